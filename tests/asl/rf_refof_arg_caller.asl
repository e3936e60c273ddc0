/* rf_refof_arg_caller: a callee reading DerefOf(Arg0) for RefOf(caller's Local) sees its value. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_RAC", 1)
{
    Method (GETV, 1) { Return (DerefOf (Arg0) + 1) }
    Method (MAIN) { Local3 = 0x40 Return (GETV (RefOf (Local3))) }
}
