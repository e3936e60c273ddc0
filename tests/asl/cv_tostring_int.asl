/* cv_tostring_int: ToString of an Integer source converts it to a buffer first. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_TSI", 1)
{
    Method (MAIN) { Local0 = 0x41424344 Return (ToString (Local0, Ones)) }
}
