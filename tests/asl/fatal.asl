/* fatal: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "FATAL", 1)
{
    Method (MAIN) { Fatal (1, 2, 3) Return (1) }
}
