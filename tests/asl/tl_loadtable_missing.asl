/* tl_loadtable_missing: LoadTable of a table that is not there returns 0. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "TL_LOADT", 1)
{

    Method (MAIN) { Return (LoadTable ("OEM9", "", "", "", "", 0)) }
}
