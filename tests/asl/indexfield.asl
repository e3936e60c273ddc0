/* indexfield: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "INDEXFIE", 1)
{
    OperationRegion (IO00, SystemIO, 0x740, 0x2)
    Field (IO00, ByteAcc, NoLock, Preserve) { IDX, 8, DAT, 8 }
    IndexField (IDX, DAT, ByteAcc, NoLock, Preserve) { R00, 8, R01, 8, Offset (4), R04, 8 }
    Method (MAIN) { R01 = 0x5A Local0 = IDX Local1 = DAT R04 = 0x33 Local7 = Package (5) {}
        Local7[0] = Local0
        Local7[1] = Local1
        Local7[2] = IDX
        Local7[3] = DAT
        Local7[4] = R04
        Return (Local7) }
}
