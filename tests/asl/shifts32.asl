/* shifts32: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 1, "HOTMEM", "SHIFTS32", 1)
{
    Method (MAIN) { Local0 = 1 Local1 = 32 Local2 = 31
      Local7 = Package (3) {}
        Local7[0] = Local0 << Local2
        Local7[1] = Local0 << Local1
        Local7[2] = Ones >> Local2
        Return (Local7) }
}
