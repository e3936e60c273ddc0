/* cv_empty_str_buf: the empty String converts to a one-byte Buffer (its NUL). EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_ESB", 1)
{
    Method (MAIN) { Return (ToBuffer ("")) }
}
