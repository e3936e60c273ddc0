/* ld_undef: a module-level Store from an undefined name fails; the rest of the table loads. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_UNDEF", 1)
{
    External (\UNDF, IntObj)
    Name (X, 7)
    Store (UNDF, X)
    Name (Y, 3)
    Method (MAIN) { Return (X + Y) }
}
