/* rf_ref_increment: Increment through an Arg holding RefOf(Local) changes the caller's Local. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_RINC", 1)
{
    Method (INC, 1) { Arg0++ }
    Method (MAIN) { Local0 = 5 INC (RefOf (Local0)) INC (RefOf (Local0)) Return (Local0) }
}
