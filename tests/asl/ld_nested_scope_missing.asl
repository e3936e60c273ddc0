/* ld_nested_scope_missing: a Scope inside a missing Scope is skipped with it. IASL: -f */
/* EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_NSCM", 1)
{
    External (\MISS, DeviceObj)
    Scope (\MISS) { Device (SUB) { Name (A, 1) } Name (B, 2) }
    Name (AFTR, 5)
    Method (MAIN) { Return (AFTR) }
}
