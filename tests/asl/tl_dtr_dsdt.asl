/* tl_dtr_dsdt: DataTableRegion over the DSDT reads its signature and length. EVAL: MAIN M2 */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "TL_DTR_D", 1)
{

    DataTableRegion (DTR0, "DSDT", "", "")
    Field (DTR0, AnyAcc, NoLock, Preserve) { SIGN, 32, TLEN, 32 }
    Method (MAIN) { Return (ToString (SIGN, 4)) }
    Method (M2) { Return (TLEN == SizeOf (DTR1)) }
    Name (DTR1, Buffer (1) {})
}
