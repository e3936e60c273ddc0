/* rf_refof_arg: RefOf(Arg0) refers to the argument slot. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_RARG", 1)
{
    Method (M1, 1) { Local1 = RefOf (Arg0) Arg0 = 9 Return (DerefOf (Local1)) }
    Method (MAIN) { Return (M1 (3)) }
}
