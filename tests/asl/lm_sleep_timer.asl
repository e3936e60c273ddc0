/* lm_sleep_timer: the Timer does not go backwards across a Sleep. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LM_SLT", 1)
{
    Method (MAIN) { Local0 = Timer Sleep (5) Local1 = Timer Return (Local1 >= Local0) }
}
