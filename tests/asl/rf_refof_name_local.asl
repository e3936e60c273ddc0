/* rf_refof_name_local: DerefOf of RefOf(name) kept in a Local sees Stores to the name. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_RNL", 1)
{
    Name (INT0, 1)
    Method (MAIN) { Local0 = RefOf (INT0) INT0 = 9 Return (DerefOf (Local0)) }
}
