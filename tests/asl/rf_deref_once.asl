/* rf_deref_once: DerefOf(Index(pkg, i)) of a stored reference gives the reference, not its value. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_DONE", 1)
{
    Name (INT0, 0x11)
    Name (PKG0, Package (1) { 0 })
    Method (MAIN) {
        Store (RefOf (INT0), Index (PKG0, 0))
        Return (ObjectType (DerefOf (Index (PKG0, 0))))
    }
}
