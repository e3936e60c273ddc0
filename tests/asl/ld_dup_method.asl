/* ld_dup_method: a duplicate Method keeps the first body. IASL: -f */
/* EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_DUPM", 1)
{
    Method (M1) { Return (1) }
    Scope (\) { Method (\M1) { Return (2) } }
    Method (MAIN) { Return (M1 ()) }
}
