/* lm_depth_64: a recursion 64 calls deep works. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LM_D64", 1)
{
    Method (RECU, 1) { If (Arg0) { Return (RECU (Arg0 - 1) + 1) } Return (0) }
    Method (MAIN) { Return (RECU (64)) }
}
