/* cv_sizeof_int: SizeOf of an Integer. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_SZI", 1)
{
    Name (INT0, 5)
    Method (MAIN) { Return (SizeOf (INT0)) }
}
