/* st_toint_named: ToInteger of a String stored to a named String target. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_TIN", 1)
{
    Name (STR0, "zz")
    Method (MAIN) { ToInteger ("0x20", STR0) Return (STR0) }
}
