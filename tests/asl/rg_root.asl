/* rg_root: a region at the root runs \_REG. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RG_ROOT", 1)
{
    Name (LAST, 0xFF)
    OperationRegion (RGN0, SystemIO, 0x80, 0x1)
    Method (_REG, 2) { LAST = (Arg0 << 4) | Arg1 }
    Method (MAIN) { Return (LAST) }
}
