/* field_offset_accessas: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "FIELD_OF", 1)
{
    OperationRegion (RAM0, SystemMemory, 0x100600, 0x20)
    Field (RAM0, ByteAcc, NoLock, Preserve) { Offset (2), F2, 8, Offset (8), AccessAs (DWordAcc), F8, 32, F12, 16 }
    Field (RAM0, ByteAcc, NoLock, Preserve) { A0, 64, A1, 64 }
    Method (MAIN) { F2 = 0x22 F8 = 0x88888888 F12 = 0x1212 Return (Package () { A0, A1 }) }
}
