/* ld_scope_missing: Scope() of a missing path is skipped with its body; objects after it load. IASL: -f */
/* EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_SCOPE", 1)
{
    External (\MISS, DeviceObj)
    Scope (\MISS) { Name (INSD, 1) }
    Name (AFTR, 5)
    Method (MAIN) { Return (CondRefOf (\MISS.INSD) + AFTR) }
}
