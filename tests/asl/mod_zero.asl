/* mod_zero: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "MOD_ZERO", 1)
{
    Method (MAIN) { Local1 = 0 Local0 = 5 % Local1 Return (Local0) }
}
