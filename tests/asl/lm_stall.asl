/* lm_stall: Stall returns and the method goes on. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LM_STL", 1)
{
    Method (MAIN) { Stall (50) Stall (100) Return (6) }
}
