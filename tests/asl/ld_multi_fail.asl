/* ld_multi_fail: three failing module-level statements; every name around them loads. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_MULTI", 1)
{
    External (\UNDF, IntObj)
    Name (ZR0, 0)
    Name (A, 1)
    Name (X, 0)
    Store (UNDF, X)
    Name (B, 2)
    Divide (8, ZR0, X)
    Name (C, 4)
    Store (Mod (8, ZR0), X)
    Name (D, 8)
    Method (MAIN) { Return (A + B + C + D + X) }
}
