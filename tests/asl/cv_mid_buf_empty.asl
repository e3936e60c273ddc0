/* cv_mid_buf_empty: Mid starting past a Buffer's end gives an empty Buffer. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_MIDB", 1)
{
    Method (MAIN) { Return (Mid (Buffer () { 1, 2 }, 5, 1)) }
}
