/* cv_concat_int_str: Concatenate of an Integer and a String converts the string to an integer. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_CIS", 1)
{
    Method (MAIN) { Local0 = 0x0102 Return (Concatenate (Local0, "0304")) }
}
