/* cv_tostring_str: ToString of a String source. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_TSS", 1)
{
    Method (MAIN) { Local0 = "hello" Return (ToString (Local0, 3)) }
}
