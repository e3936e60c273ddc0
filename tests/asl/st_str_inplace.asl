/* st_str_inplace: an Integer stored into a named String becomes its hex text. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_SINT", 1)
{
    Name (STR0, "hello")
    Method (MAIN) { Store (0x1234, STR0) Return (STR0) }
}
