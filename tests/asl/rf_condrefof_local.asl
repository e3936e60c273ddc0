/* rf_condrefof_local: CondRefOf(name, Local) stores a reference usable with DerefOf. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_CRL", 1)
{
    Name (INT0, 0x21)
    Method (MAIN) { If (CondRefOf (INT0, Local0)) { Return (DerefOf (Local0)) } Return (0) }
}
