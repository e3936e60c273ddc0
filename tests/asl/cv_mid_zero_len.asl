/* cv_mid_zero_len: Mid with length zero gives an empty String. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_MZL", 1)
{
    Method (MAIN) { Return (Mid ("abc", 1, 0)) }
}
