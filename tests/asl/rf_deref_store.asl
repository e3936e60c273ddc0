/* rf_deref_store: Store into DerefOf(a reference) writes the referent. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_DST", 1)
{
    Name (INT0, 1)
    Method (MAIN) { Local0 = RefOf (INT0) Store (6, DerefOf (Local0)) Return (INT0) }
}
