/* cv_mid_str: Mid of a String past its end is clipped. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_MIDS", 1)
{
    Method (MAIN) { Return (Mid ("abcdef", 4, 10)) }
}
