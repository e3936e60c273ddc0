/* cv_printf_values: Printf formats integers, strings and buffers. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_PFV", 1)
{
    Method (MAIN) { Local0 = 0x2A Printf ("v=%o s=%o b=%o", Local0, "str", Buffer () { 1 }) Return (9) }
}
