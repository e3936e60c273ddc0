/* cv_match_str_elem: Match converts package elements to the match value's type (String "10" vs Integer 0x10). EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_MSE", 1)
{
    Name (PKG0, Package () { "5", "10", "20" })
    Method (MAIN) { Return (Match (PKG0, MEQ, 0x10, MTR, 0, 0)) }
}
