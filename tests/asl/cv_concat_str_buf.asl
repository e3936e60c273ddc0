/* cv_concat_str_buf: Concatenate of a String and a Buffer. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_CSB", 1)
{
    Method (MAIN) { Return (Concatenate ("x", Buffer () { 1, 0xAB })) }
}
