/* field_mem_byte: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "FIELD_ME", 1)
{
    OperationRegion (RAM0, SystemMemory, 0x100000, 0x20)
    Field (RAM0, ByteAcc, NoLock, Preserve) { B0, 8, B1, 8, W0, 16, D0, 32 }
    Field (RAM0, ByteAcc, NoLock, Preserve) { ALL, 64 }
    Method (MAIN) { B0 = 0x11 B1 = 0x22 W0 = 0x4433 D0 = 0x88776655 Return (Package () { ALL, B1, W0, D0 }) }
}
