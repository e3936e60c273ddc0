/* field_io_writeaszeros: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "FIELD_IO", 1)
{
    OperationRegion (IO00, SystemIO, 0x720, 0x8)
    Field (IO00, ByteAcc, NoLock, Preserve) { ALL, 8 }
    Field (IO00, ByteAcc, NoLock, WriteAsZeros) { MES, 1, MINS, 1, MRMV, 1, MEJ, 1 }
    Method (MAIN) { ALL = 0x07 MEJ = 1 Local0 = ALL ALL = 0x07 MINS = 1 Local7 = Package (3) {}
        Local7[0] = Local0
        Local7[1] = ALL
        Local7[2] = MES
        Return (Local7) }
}
