/* field_writeaszeros: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "FIELD_WR", 1)
{
    OperationRegion (RAM0, SystemMemory, 0x100400, 0x8)
    Field (RAM0, ByteAcc, NoLock, Preserve) { ALL, 32 }
    Field (RAM0, ByteAcc, NoLock, WriteAsZeros) { , 2, BITS, 3, , 9, MDL, 4 }
    Field (RAM0, DWordAcc, NoLock, WriteAsZeros) { , 3, EJB, 1 }
    Method (MAIN) { ALL = 0xFFFFFFFF BITS = 5 Local0 = ALL ALL = 0xFFFFFFFF MDL = 1 Local1 = ALL ALL = 0xFF EJB = 1
      Local7 = Package (3) {}
        Local7[0] = Local0
        Local7[1] = Local1
        Local7[2] = ALL
        Return (Local7) }
}
