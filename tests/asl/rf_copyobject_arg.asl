/* rf_copyobject_arg: CopyObject to an Arg holding RefOf(name) writes the name. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_COA", 1)
{
    Name (INT0, 1)
    Method (SETV, 1) { CopyObject (0x44, Arg0) }
    Method (MAIN) { SETV (RefOf (INT0)) Return (INT0) }
}
