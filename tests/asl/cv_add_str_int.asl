/* cv_add_str_int: a String operand of Add is converted as hex. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_ASI", 1)
{
    Method (MAIN) { Local0 = "10" Return (Add (Local0, 1)) }
}
