/* field_preserve: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "FIELD_PR", 1)
{
    OperationRegion (RAM0, SystemMemory, 0x100200, 0x8)
    Field (RAM0, ByteAcc, NoLock, Preserve) { ALL, 32 }
    Field (RAM0, ByteAcc, NoLock, Preserve) { , 2, BITS, 3, , 9, MDL, 4 }
    Method (MAIN) { ALL = 0xA5A5A5A5 BITS = 0 MDL = 0xF Return (Package () { ALL, BITS, MDL }) }
}
