/* st_int_index_ref: an Index reference into a named Buffer sees a later whole-buffer Store. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_IIXR", 1)
{
    Name (BUF0, Buffer (3) { 1, 2, 3 })
    Method (MAIN) { Local0 = Index (BUF0, 2) Store (Buffer () { 7, 8, 9 }, BUF0) Return (DerefOf (Local0)) }
}
