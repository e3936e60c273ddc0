/* ld_method_after: a method defined after a failing statement is callable. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_MAFT", 1)
{
    External (\UNDF, IntObj)
    Name (X, 0)
    Store (UNDF, X)
    Method (M1, 1) { Return (Arg0 * 3) }
    Method (MAIN) { Return (M1 (7)) }
}
