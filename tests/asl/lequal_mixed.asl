/* lequal_mixed: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LEQUAL_M", 1)
{
    Method (MAIN) { Local0 = 0x31 Local7 = Package (3) {}
        Local7[0] = Local0 == "31"
        Local7[1] = "1" == 1
        Local7[2] = Buffer() { 0x31 } == "1"
        Return (Local7) }
}
