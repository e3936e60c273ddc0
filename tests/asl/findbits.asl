/* findbits: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "FINDBITS", 1)
{
    Method (MAIN) { Local0 = 0 Local1 = 1 Local2 = 0x80000000 Local3 = 0x0100
      Local7 = Package (7) {}
        Local7[0] = FindSetLeftBit(Local0)
        Local7[1] = FindSetRightBit(Local0)
        Local7[2] = FindSetLeftBit(Local1)
        Local7[3] = FindSetRightBit(Local2)
        Local7[4] = FindSetLeftBit(Local2)
        Local7[5] = FindSetRightBit(Local3)
        Local7[6] = FindSetLeftBit(Ones)
        Return (Local7) }
}
