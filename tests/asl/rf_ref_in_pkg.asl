/* rf_ref_in_pkg: a reference stored in a package comes back out with DerefOf once. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_RPKG", 1)
{
    Name (INT0, 0x11)
    Name (PKG0, Package (2) { 0, 0 })
    Method (MAIN) {
        Store (RefOf (INT0), Index (PKG0, 1))
        Local0 = DerefOf (Index (PKG0, 1))
        Return (DerefOf (Local0))
    }
}
