/* lm_depth_locals: each of 70 nested frames keeps its own locals. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LM_DLOC", 1)
{
    Method (RECU, 1) { Local0 = Arg0 * 2 If (Arg0) { Local1 = RECU (Arg0 - 1) } Else { Local1 = 0 } Return (Local1 + Local0) }
    Method (MAIN) { Return (RECU (70)) }
}
