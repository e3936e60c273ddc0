/* rf_refof_local: RefOf(Local0) refers to the variable: a later Store to Local0 is seen by DerefOf. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_RLOC", 1)
{
    Method (MAIN) { Local0 = 5 Local1 = RefOf (Local0) Local0 = 7 Return (DerefOf (Local1)) }
}
