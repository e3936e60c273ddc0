/* bankfield: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "BANKFIEL", 1)
{
    OperationRegion (RAM0, SystemMemory, 0x100500, 0x10)
    Field (RAM0, ByteAcc, NoLock, Preserve) { BNK, 8 }
    BankField (RAM0, BNK, 2, ByteAcc, NoLock, Preserve) { Offset (4), BF0, 8 }
    BankField (RAM0, BNK, 3, ByteAcc, NoLock, Preserve) { Offset (5), BF1, 8 }
    Method (MAIN) { BF0 = 0x44 Local0 = BNK BF1 = 0x55 Local1 = BNK Local7 = Package (4) {}
        Local7[0] = Local0
        Local7[1] = Local1
        Local7[2] = BF0
        Local7[3] = BF1
        Return (Local7) }
}
