/* st_str_grow: a longer String stored into a named String replaces its text. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_SGRW", 1)
{
    Name (STR0, "ab")
    Method (MAIN) { Store ("abcdefgh", STR0) Return (SizeOf (STR0)) }
}
