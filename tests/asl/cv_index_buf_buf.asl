/* cv_index_buf_buf: a Buffer stored into a Buffer element via Index stores its first byte. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_IBB", 1)
{
    Name (BUF0, Buffer (3) { 0, 0, 0 })
    Method (MAIN) { Store (Buffer () { 9, 8 }, Index (BUF0, 2)) Return (BUF0) }
}
