/* field_writeasones: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "FIELD_WR", 1)
{
    OperationRegion (RAM0, SystemMemory, 0x100300, 0x8)
    Field (RAM0, ByteAcc, NoLock, Preserve) { ALL, 32 }
    Field (RAM0, ByteAcc, NoLock, WriteAsOnes) { , 2, BITS, 3, , 9, MDL, 4 }
    Method (MAIN) { ALL = 0 BITS = 2 Local0 = ALL ALL = 0 MDL = 0 Local7 = Package (2) {}
        Local7[0] = Local0
        Local7[1] = ALL
        Return (Local7) }
}
