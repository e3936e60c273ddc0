/* bitwise: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "BITWISE", 1)
{
    Method (MAIN) { Local0 = 0xF0F0 Local1 = 0x0FF0
      Local7 = Package (7) {}
        Local7[0] = Local0 & Local1
        Local7[1] = Local0 | Local1
        Local7[2] = Local0 ^ Local1
        Local7[3] = NAnd(Local0, Local1)
        Local7[4] = NOr(Local0, Local1)
        Local7[5] = ~Local0
        Local7[6] = Not(Local1)
        Return (Local7) }
}
