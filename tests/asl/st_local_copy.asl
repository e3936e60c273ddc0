/* st_local_copy: a Local holding a named Buffer's value is a copy. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_LCPY", 1)
{
    Name (BUF0, Buffer (2) { 1, 2 })
    Method (MAIN) { Local0 = BUF0 Store (Buffer () { 7, 7 }, BUF0) Return (Local0) }
}
