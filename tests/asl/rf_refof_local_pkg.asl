/* rf_refof_local_pkg: RefOf(Local) stored in a package; a later Store to the Local is seen. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_RLPK", 1)
{
    Method (MAIN) {
        Local0 = 1
        Local1 = Package (1) {}
        Store (RefOf (Local0), Index (Local1, 0))
        Local0 = 8
        Return (DerefOf (DerefOf (Index (Local1, 0))))
    }
}
