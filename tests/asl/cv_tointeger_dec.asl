/* cv_tointeger_dec: ToInteger of a decimal String. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_TID", 1)
{
    Method (MAIN) { Return (ToInteger ("1234")) }
}
