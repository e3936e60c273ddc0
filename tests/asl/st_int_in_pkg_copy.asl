/* st_int_in_pkg_copy: a package element taken from a named Integer is a copy. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_IPKG", 1)
{
    Name (INT0, 1)
    Name (PKG0, Package () { INT0 })
    Method (MAIN) { Store (9, INT0) Return (PKG0) }
}
