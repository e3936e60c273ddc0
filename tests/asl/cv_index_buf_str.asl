/* cv_index_buf_str: a String stored into a Buffer element via Index stores its first character. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_IBS", 1)
{
    Name (BUF0, Buffer (3) { 0, 0, 0 })
    Method (MAIN) { Store ("Q", Index (BUF0, 1)) Return (BUF0) }
}
