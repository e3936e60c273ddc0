/* field_big32: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 1, "HOTMEM", "FIELD_BI", 1)
{
    OperationRegion (RAM0, SystemMemory, 0x100800, 0x20)
    Field (RAM0, ByteAcc, NoLock, Preserve) { BIG, 40 }
    Method (MAIN) { BIG = 0xFFFFFFFF Return (BIG) }
}
