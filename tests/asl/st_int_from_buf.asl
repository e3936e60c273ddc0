/* st_int_from_buf: a Buffer stored into a named Integer takes its first 8 bytes little endian. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_IBUF", 1)
{
    Name (INT0, 0)
    Method (MAIN) { Store (Buffer () { 1, 2, 3 }, INT0) Return (INT0) }
}
