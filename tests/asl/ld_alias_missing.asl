/* ld_alias_missing: an Alias to a missing object fails; the names after it load. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_ALIAS", 1)
{
    External (\MIS2, IntObj)
    Alias (\MIS2, ALS0)
    Name (AFTR, 6)
    Method (MAIN) { Return (AFTR + CondRefOf (ALS0)) }
}
