/* st_str_shrink: a shorter String stored into a named String. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_SSHR", 1)
{
    Name (STR0, "abcdefgh")
    Method (MAIN) { Store ("xy", STR0) Return (STR0) }
}
