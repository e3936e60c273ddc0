/* cv_todec_buf: ToDecimalString of a Buffer. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_TDB", 1)
{
    Method (MAIN) { Return (ToDecimalString (Buffer () { 1, 0xAB })) }
}
