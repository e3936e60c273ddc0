/* field_io: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "FIELD_IO", 1)
{
    OperationRegion (IO00, SystemIO, 0x700, 0x10)
    Field (IO00, DWordAcc, NoLock, Preserve) { P0, 32, P1, 8, , 4, P2, 4 }
    Field (IO00, ByteAcc, NoLock, Preserve) { Q0, 32, Q1, 32 }
    Method (MAIN) { P0 = 0x12345678 P1 = 0xAB P2 = 0xC Return (Package () { Q0, Q1, P0, P1, P2 }) }
}
