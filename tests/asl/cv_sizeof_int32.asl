/* cv_sizeof_int32: SizeOf of an Integer in a revision-1 table. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 1, "HOTMEM", "CV_SZ32", 1)
{
    Name (INT0, 5)
    Method (MAIN) { Return (SizeOf (INT0)) }
}
