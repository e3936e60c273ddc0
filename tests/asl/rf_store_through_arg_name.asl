/* rf_store_through_arg_name: a Store to an Arg holding RefOf(name) writes the name. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_STAN", 1)
{
    Name (INT0, 1)
    Method (SETV, 1) { Arg0 = 0x43 }
    Method (MAIN) { SETV (RefOf (INT0)) Return (INT0) }
}
