/* ld_dup_scope_ok: Scope() reopening an existing Device adds to it (not a duplicate). EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_SCOK", 1)
{
    Device (DEV0) { Name (A, 1) }
    Scope (DEV0) { Name (B, 2) }
    Method (MAIN) { Return (\DEV0.A + \DEV0.B) }
}
