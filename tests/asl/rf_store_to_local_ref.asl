/* rf_store_to_local_ref: a Store to a Local holding a reference overwrites the Local (no indirection). EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_STLR", 1)
{
    Name (INT0, 1)
    Method (MAIN) { Local0 = RefOf (INT0) Local0 = 5 Return (INT0 + Local0) }
}
