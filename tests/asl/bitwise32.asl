/* bitwise32: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 1, "HOTMEM", "BITWISE3", 1)
{
    Method (MAIN) { Local0 = 0xF0F0
      Local7 = Package (3) {}
        Local7[0] = ~Local0
        Local7[1] = NAnd(Local0, 0xFF)
        Local7[2] = NOr(Local0, 1)
        Return (Local7) }
}
