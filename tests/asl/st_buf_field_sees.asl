/* st_buf_field_sees: a Store into a named Buffer writes its bytes in place: a CreateDWordField over it sees them. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_BFS", 1)
{
    Name (BUF0, Buffer (8) { 0 })
    CreateDWordField (BUF0, 0, DW0)
    Method (MAIN) { Store (Buffer () { 0x78, 0x56, 0x34, 0x12 }, BUF0) Return (DW0) }
}
