/* cv_match_mixed: Match with MLT over Integer elements and a Buffer value. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_MMX", 1)
{
    Name (PKG0, Package () { 9, 3, 1 })
    Method (MAIN) { Return (Match (PKG0, MLT, 4, MTR, 0, 0)) }
}
