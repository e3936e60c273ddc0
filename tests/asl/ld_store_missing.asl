/* ld_store_missing: a module-level Store into an undefined name fails; the rest loads. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_STMIS", 1)
{
    External (\UNDF, IntObj)
    Store (1, UNDF)
    Name (AFTR, 5)
    Method (MAIN) { Return (AFTR) }
}
