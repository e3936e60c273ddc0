/* cv_concat_buf_str: Concatenate of a Buffer and a String takes the string with its NUL. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_CBS", 1)
{
    Method (MAIN) { Return (Concatenate (Buffer () { 1 }, "ab")) }
}
