/* osi: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "OSI", 1)
{
    Method (MAIN) { Local7 = Package (3) {}
        Local7[0] = _OSI("Windows 2015")
        Local7[1] = _OSI("Linux")
        Local7[2] = _OSI("Module Device")
        Return (Local7) }
}
