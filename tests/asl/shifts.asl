/* shifts: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "SHIFTS", 1)
{
    Method (MAIN) { Local0 = 1 Local1 = 64 Local2 = 63
      Local7 = Package (6) {}
        Local7[0] = Local0 << 4
        Local7[1] = 0x100 >> 4
        Local7[2] = Local0 << Local1
        Local7[3] = Local0 << Local2
        Local7[4] = ShiftRight(Ones, Local2)
        Local7[5] = ShiftLeft(3, 1)
        Return (Local7) }
}
