/* ld_dup_in_device: a duplicate name inside a Device keeps the first; the next names load. IASL: -f */
/* EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_DUPID", 1)
{
    Device (DEV0) {
        Name (A, 1)
        Name (A, 2)
        Name (B, 4)
    }
    Method (MAIN) { Return (\DEV0.A + \DEV0.B) }
}
