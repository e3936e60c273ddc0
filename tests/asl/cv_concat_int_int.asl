/* cv_concat_int_int: Concatenate of two Integers gives a 16-byte Buffer. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_CII", 1)
{
    Method (MAIN) { Local0 = 1 Return (Concatenate (Local0, 2)) }
}
