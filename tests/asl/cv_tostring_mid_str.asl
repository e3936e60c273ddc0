/* cv_tostring_mid_str: Mid of a Buffer then ToString. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_TMS", 1)
{
    Method (MAIN) { Return (ToString (Mid (Buffer () { 0x30, 0x31, 0x32, 0x33 }, 1, 2), Ones)) }
}
