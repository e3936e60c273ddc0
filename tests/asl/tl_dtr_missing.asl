/* tl_dtr_missing: DataTableRegion of a missing table fails; later names load. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "TL_DTR_M", 1)
{

    DataTableRegion (DTR0, "XYZW", "", "")
    Name (AFTR, 5)
    Method (MAIN) { Return (AFTR) }
}
