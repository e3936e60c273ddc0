/* bcd: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "BCD", 1)
{
    Method (MAIN) { Local0 = 0x1234 Local1 = 1234
      Local7 = Package (4) {}
        Local7[0] = FromBCD(Local0)
        Local7[1] = ToBCD(Local1)
        Local7[2] = ToBCD(99999999)
        Local7[3] = FromBCD(0x99)
        Return (Local7) }
}
