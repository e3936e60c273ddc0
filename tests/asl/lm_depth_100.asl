/* lm_depth_100: a recursion 100 calls deep works. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LM_D100", 1)
{
    Method (RECU, 1) { If (Arg0) { Return (RECU (Arg0 - 1) + 1) } Return (0) }
    Method (MAIN) { Return (RECU (100)) }
}
