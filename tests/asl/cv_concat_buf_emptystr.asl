/* cv_concat_buf_emptystr: Concatenate of a Buffer and the empty String. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_CBES", 1)
{
    Method (MAIN) { Return (Concatenate (Buffer () { 1 }, "")) }
}
