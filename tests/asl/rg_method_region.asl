/* rg_method_region: a region created inside a method. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RG_METH", 1)
{
    Name (CNT, 0)
    Method (_REG, 2) { CNT++ }
    Method (MAIN, 0, Serialized) {
        OperationRegion (RGN9, SystemIO, 0x80, 0x1)
        Field (RGN9, ByteAcc, NoLock, Preserve) { F9, 8 }
        F9 = 1
        Return (CNT)
    }
}
