/* rf_pkg_named_later_store: a package element naming an Integer shows its current value. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_PNLS", 1)
{
    Name (INT0, 1)
    Name (PKG0, Package () { INT0 })
    Method (MAIN) { INT0 = 4 Return (DerefOf (Index (PKG0, 0))) }
}
