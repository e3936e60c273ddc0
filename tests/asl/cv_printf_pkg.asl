/* cv_printf_pkg: a debug Printf of a Package does not abort the method. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_PFP", 1)
{
    Name (PKG0, Package () { 1, 2 })
    Method (MAIN) { Printf ("pkg %o", PKG0) Return (7) }
}
