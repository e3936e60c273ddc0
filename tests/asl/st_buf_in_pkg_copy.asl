/* st_buf_in_pkg_copy: a package element taken from a named Buffer is a copy: later Stores to the name do not change it. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_BPKG", 1)
{
    Name (BUF0, Buffer (2) { 1, 2 })
    Name (PKG0, Package () { BUF0 })
    Method (MAIN) { Store (Buffer () { 7, 7 }, BUF0) Return (PKG0) }
}
