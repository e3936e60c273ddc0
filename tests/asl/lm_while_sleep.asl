/* lm_while_sleep: a polling loop with Sleep and a counter ends. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LM_WSL", 1)
{
    Method (MAIN) { Local0 = 0 While (Local0 < 5) { Sleep (1) Local0++ } Return (Local0) }
}
