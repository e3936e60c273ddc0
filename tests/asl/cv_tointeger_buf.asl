/* cv_tointeger_buf: ToInteger of a Buffer is little endian. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_TIB", 1)
{
    Method (MAIN) { Return (ToInteger (Buffer () { 1, 2, 3, 4 })) }
}
