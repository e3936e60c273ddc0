/* st_buf_empty: a Store into an empty named Buffer gives it the source's length. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_BEMP", 1)
{
    Name (BUF0, Buffer (0) {})
    Method (MAIN) { Store (Buffer () { 1, 2, 3 }, BUF0) Return (BUF0) }
}
