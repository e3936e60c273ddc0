/* cv_tointeger_ws: ToInteger skips all leading whitespace. EVAL: MAIN M2 M3 */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_TIWS", 1)
{
    Method (MAIN) { Return (ToInteger ("   42")) }
    Method (M2) { Return (ToInteger ("  0x1F")) }
    Method (M3) { Return (ToInteger ("\t 7")) }
}
