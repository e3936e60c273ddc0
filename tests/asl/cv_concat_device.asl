/* cv_concat_device: Concatenate of a String and a Device reference gives ACPICA's type text. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CV_CDEV", 1)
{
    Device (DEV0) {}
    Method (MAIN) { Return (Concatenate ("dev: ", DEV0)) }
}
