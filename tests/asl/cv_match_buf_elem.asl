/* cv_match_buf_elem: Match with a Buffer element and an Integer value. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_MBE", 1)
{
    Name (PKG0, Package () { Buffer () { 2 }, Buffer () { 7 } })
    Method (MAIN) { Return (Match (PKG0, MGT, 5, MTR, 0, 0)) }
}
