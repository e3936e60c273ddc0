/* st_buf_from_int: an Integer stored into a named Buffer is converted (little endian), in place. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_BINT", 1)
{
    Name (BUF0, Buffer (4) { 0 })
    CreateWordField (BUF0, 2, W1)
    Method (MAIN) { Store (0x11223344, BUF0) Return (Package () { BUF0, W1 }) }
}
