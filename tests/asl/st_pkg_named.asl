/* st_pkg_named: a Package stored into a named Package replaces it. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_PKGN", 1)
{
    Name (PKG0, Package () { 1 })
    Method (MAIN) { Store (Package () { 4, 5 }, PKG0) Return (PKG0) }
}
