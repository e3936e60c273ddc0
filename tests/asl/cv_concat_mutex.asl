/* cv_concat_mutex: Concatenate of a String and a Mutex gives ACPICA's type text. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_CMTX", 1)
{
    Mutex (MTX0, 0)
    Method (MAIN) { Return (Concatenate ("m: ", MTX0)) }
}
