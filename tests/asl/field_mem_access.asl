/* field_mem_access: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "FIELD_ME", 1)
{
    OperationRegion (RAM0, SystemMemory, 0x100100, 0x20)
    Field (RAM0, WordAcc, NoLock, Preserve) { , 4, WF0, 8, WF1, 12 }
    Field (RAM0, DWordAcc, NoLock, Preserve) { Offset (4), , 20, DF0, 20 }
    Field (RAM0, QWordAcc, NoLock, Preserve) { Offset (8), , 60, QF0, 8 }
    Field (RAM0, AnyAcc, NoLock, Preserve) { Offset (0x10), , 3, AF0, 9 }
    Field (RAM0, ByteAcc, NoLock, Preserve) { A0, 64, A1, 64, A2, 64 }
    Method (MAIN) { WF0 = 0xAB WF1 = 0xCDE DF0 = 0xFFFFF QF0 = 0x5A AF0 = 0x1FF
      Return (Package () { A0, A1, A2, WF0, WF1, DF0, QF0, AF0 }) }
}
