/* st_str_from_buf: a Buffer stored into a named String is converted to text up to a NUL. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_SBUF", 1)
{
    Name (STR0, "xxxxxxxx")
    Method (MAIN) { Store (Buffer () { 0x41, 0x42, 0x00, 0x43 }, STR0) Return (STR0) }
}
