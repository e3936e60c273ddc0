/* st_alias_buf: a Store into a Buffer through its Alias is seen by the original. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_BALS", 1)
{
    Name (BUF0, Buffer (2) { 0 })
    Alias (BUF0, ALS0)
    Method (MAIN) { Store (Buffer () { 7, 8 }, ALS0) Return (BUF0) }
}
