/* cv_printf_dev: a debug Printf of a Device and a Mutex does not abort the method. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_PFD", 1)
{
    Device (DEV0) {}
    Mutex (MTX0, 0)
    Method (MAIN) { Printf ("d %o m %o", DEV0, MTX0) Return (8) }
}
