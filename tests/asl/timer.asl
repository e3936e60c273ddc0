/* timer: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "TIMER", 1)
{
    Method (MAIN) { Local0 = Timer Local1 = Timer Return (Local1 >= Local0) }
}
