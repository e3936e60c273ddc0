/* lm_sleep: Sleep returns and the method goes on (the time is not checked here). EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LM_SLP", 1)
{
    Method (MAIN) { Sleep (20) Sleep (0) Return (5) }
}
