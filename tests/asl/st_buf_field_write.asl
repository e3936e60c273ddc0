/* st_buf_field_write: a field write and a whole-buffer Store see each other. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_BFW", 1)
{
    Name (BUF0, Buffer (4) { 0 })
    CreateByteField (BUF0, 1, BY1)
    Method (MAIN) { Store (Buffer () { 5, 6, 7, 8 }, BUF0) Store (0xAA, BY1) Return (BUF0) }
}
