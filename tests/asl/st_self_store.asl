/* st_self_store: storing a named Buffer into itself leaves it unchanged. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_SELF", 1)
{
    Name (BUF0, Buffer () { 1, 2, 3 })
    Method (MAIN) { Store (BUF0, BUF0) Return (BUF0) }
}
