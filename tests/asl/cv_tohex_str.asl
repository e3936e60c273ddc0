/* cv_tohex_str: ToHexString of a Buffer. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_THS", 1)
{
    Method (MAIN) { Return (ToHexString (Buffer () { 1, 0xAB })) }
}
