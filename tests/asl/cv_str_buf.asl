/* cv_str_buf: ToBuffer of a String includes its NUL. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_SB", 1)
{
    Method (MAIN) { Return (ToBuffer ("ab")) }
}
