/* cv_match_int_elem: Match with a String match value against Integer elements. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_MIE", 1)
{
    Name (PKG0, Package () { 1, 0x20, 3 })
    Method (MAIN) { Return (Match (PKG0, MEQ, "20", MTR, 0, 0)) }
}
