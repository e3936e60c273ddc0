/* cv_match_noconv: Match skips a Package element that is itself a package. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_MNC", 1)
{
    Name (PKG0, Package () { Package () { 1 }, 4, 5 })
    Method (MAIN) { Return (Match (PKG0, MGE, 4, MTR, 0, 0)) }
}
