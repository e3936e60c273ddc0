/* cv_concat_pkg_first: Concatenate with a Package first operand. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_CPKF", 1)
{
    Name (PKG0, Package () { 1 })
    Method (MAIN) { Return (Concatenate (PKG0, "x")) }
}
