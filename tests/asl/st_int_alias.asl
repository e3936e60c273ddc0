/* st_int_alias: a Store through an Alias updates the original name (the same object). EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_IALS", 1)
{
    Name (INT0, 1)
    Alias (INT0, ALS0)
    Method (MAIN) { Store (5, ALS0) Return (INT0) }
}
