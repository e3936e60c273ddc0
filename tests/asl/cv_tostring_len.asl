/* cv_tostring_len: ToString stops at the length or the first NUL. EVAL: MAIN M2 */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_TSL", 1)
{
    Method (MAIN) { Return (ToString (Buffer () { 0x61, 0x62, 0x63 }, 2)) }
    Method (M2) { Return (ToString (Buffer () { 0x61, 0x00, 0x63 }, Ones)) }
}
