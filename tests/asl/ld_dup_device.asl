/* ld_dup_device: a duplicate Device's body is skipped, not run. IASL: -f */
/* EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_DUPD", 1)
{
    Device (DEV0) { Name (A, 1) }
    Scope (\) { Device (\DEV0) { Name (B, 2) } }
    Name (AFTR, 4)
    Method (MAIN) { Return (CondRefOf (\DEV0.B) + AFTR + \DEV0.A) }
}
