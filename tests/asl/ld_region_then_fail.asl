/* ld_region_then_fail: a region and its field load around a failing statement. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_RTF", 1)
{
    External (\UNDF, IntObj)
    OperationRegion (RGN0, SystemIO, 0x90, 2)
    Name (X, 0)
    Store (UNDF, X)
    Field (RGN0, ByteAcc, NoLock, Preserve) { F0, 8, F1, 8 }
    Method (MAIN) { F1 = 0x33 Return (F1) }
}
