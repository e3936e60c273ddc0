/* cv_lequal_str_buf: LEqual of a String and a Buffer converts the buffer to text. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_LSB", 1)
{
    Method (MAIN) { Return (LEqual ("AB", Buffer () { 0x41, 0x42 })) }
}
