/* rf_mutex_arg: a Mutex passed as a method argument can be acquired and released there. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_MARG", 1)
{
    Mutex (MTX0, 0)
    Method (LCKM, 1) { Local0 = Acquire (Arg0, 0xFFFF) Release (Arg0) Return (Local0) }
    Method (MAIN) { Return (LCKM (MTX0)) }
}
