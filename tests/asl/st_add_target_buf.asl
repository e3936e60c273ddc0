/* st_add_target_buf: an Add result stored to a named Buffer target is converted into it. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_ADDB", 1)
{
    Name (BUF0, Buffer (3) { 0 })
    Method (MAIN) { Add (0x102, 0x1, BUF0) Return (BUF0) }
}
