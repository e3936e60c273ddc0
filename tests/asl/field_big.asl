/* field_big: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "FIELD_BI", 1)
{
    OperationRegion (RAM0, SystemMemory, 0x100700, 0x20)
    Field (RAM0, ByteAcc, NoLock, Preserve) { BIG, 96, SML, 8 }
    Method (MAIN) { BIG = Buffer() { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 } SML = 0x77 Return (Package () { BIG, SML }) }
}
