/* cv_concat_pkg: Concatenate of a String and a Package gives ACPICA's type text. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_CPKG", 1)
{
    Name (PKG0, Package () { 1 })
    Method (MAIN) { Return (Concatenate ("x", PKG0)) }
}
