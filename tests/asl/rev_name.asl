/* rev_name: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "REV_NAME", 1)
{
    Method (MAIN) { Return (\_REV) }
}
