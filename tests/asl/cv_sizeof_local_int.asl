/* cv_sizeof_local_int: SizeOf of a Local holding an Integer. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_SZLI", 1)
{
    Method (MAIN) { Local0 = 3 Return (SizeOf (Local0)) }
}
