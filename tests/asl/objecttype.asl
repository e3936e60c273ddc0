/* objecttype: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "OBJECTTY", 1)
{
    Name (INT0, 1)
    Name (STR0, "s")
    Name (BUF0, Buffer() {1})
    Name (PKG0, Package() {1})
    Device (DEV0) {}
    Mutex (MTX0, 0)
    Event (EVT0)
    Method (MTH0) { Return (0) }
    OperationRegion (REG0, SystemMemory, 0x200000, 0x10)
    Field (REG0, ByteAcc, NoLock, Preserve) { FLD0, 8 }
    Method (MAIN) { CreateByteField (BUF0, 0, BFL0)
      Local7 = Package (11) {}
        Local7[0] = ObjectType(INT0)
        Local7[1] = ObjectType(STR0)
        Local7[2] = ObjectType(BUF0)
        Local7[3] = ObjectType(PKG0)
        Local7[4] = ObjectType(DEV0)
        Local7[5] = ObjectType(MTX0)
        Local7[6] = ObjectType(EVT0)
        Local7[7] = ObjectType(MTH0)
        Local7[8] = ObjectType(REG0)
        Local7[9] = ObjectType(FLD0)
        Local7[10] = ObjectType(BFL0)
        Return (Local7) }
}
