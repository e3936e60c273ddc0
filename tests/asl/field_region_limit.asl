/* field_region_limit: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "FIELD_RE", 1)
{
    Name (LEN0, 4)
    OperationRegion (RAM0, SystemMemory, 0x100900, LEN0)
    Field (RAM0, ByteAcc, NoLock, Preserve) { F0, 32, F1, 8 }
    Method (MAIN) { F1 = 1 Return (F1) }
}
