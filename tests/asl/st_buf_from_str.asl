/* st_buf_from_str: a String stored into a named Buffer copies its characters. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_BSTR", 1)
{
    Name (BUF0, Buffer (6) { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })
    Method (MAIN) { Store ("abc", BUF0) Return (BUF0) }
}
