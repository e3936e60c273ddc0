/* st_buf_pad: a shorter source stored into a named Buffer is zero-padded (the length stays). EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_BPAD", 1)
{
    Name (BUF0, Buffer (4) { 9, 9, 9, 9 })
    Method (MAIN) { Store (Buffer () { 1 }, BUF0) Return (BUF0) }
}
