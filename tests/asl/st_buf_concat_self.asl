/* st_buf_concat_self: Concatenate of a named Buffer with itself stored back keeps its length. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_BCS", 1)
{
    Name (BUF0, Buffer () { 1, 2 })
    Method (MAIN) { Store (Concatenate (BUF0, BUF0), BUF0) Return (BUF0) }
}
