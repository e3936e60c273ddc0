/* cv_mid_int: Mid of an Integer works on its buffer form. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_MIDI", 1)
{
    Method (MAIN) { Local0 = 0x0102030405060708 Return (Mid (Local0, 1, 3)) }
}
