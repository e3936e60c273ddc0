/* st_buf_trunc: a longer source stored into a named Buffer is truncated to the buffer's length. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_BTR", 1)
{
    Name (BUF0, Buffer (2) { 0 })
    Method (MAIN) { Store (Buffer () { 1, 2, 3, 4 }, BUF0) Return (BUF0) }
}
