/* rf_condrefof_missing: CondRefOf of a missing name leaves its target unchanged. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_CRM", 1)
{
    External (\MISS, IntObj)
    Method (MAIN) { Local0 = 5 CondRefOf (\MISS, Local0) Return (Local0) }
}
