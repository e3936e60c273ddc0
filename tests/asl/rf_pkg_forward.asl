/* rf_pkg_forward: a package element naming an object defined later resolves to it at run time. EVAL: MAIN M2 */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_PFWD", 1)
{
    Name (PKG0, Package () { LATR, 2 })
    Name (LATR, 5)
    Method (MAIN) { Return (DerefOf (Index (PKG0, 0))) }
    Method (M2) { Return (PKG0) }
}
