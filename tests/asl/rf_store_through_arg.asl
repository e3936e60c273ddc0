/* rf_store_through_arg: a Store to an Arg holding RefOf(Local) writes the caller's local. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_STA", 1)
{
    Method (SETV, 1) { Arg0 = 0x42 }
    Method (MAIN) { Local0 = 1 SETV (RefOf (Local0)) Return (Local0) }
}
