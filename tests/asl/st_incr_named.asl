/* st_incr_named: Increment of a named Integer is in place (an Alias sees it). EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_INCN", 1)
{
    Name (INT0, 1)
    Alias (INT0, ALS0)
    Method (MAIN) { Increment (INT0) Increment (ALS0) Return (INT0) }
}
