/* implicit_string_int: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "IMPLICIT", 1)
{
    Method (MAIN) { Local0 = "0x10" Local1 = "10" Local7 = Package (3) {}
        Local7[0] = Local0 + 1
        Local7[1] = Local1 + 1
        Local7[2] = Add("ff", 1)
        Return (Local7) }
}
