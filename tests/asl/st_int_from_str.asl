/* st_int_from_str: a String stored into a named Integer is converted as hex. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_ISTR", 1)
{
    Name (INT0, 0)
    Method (MAIN) { Store ("1F", INT0) Return (INT0) }
}
