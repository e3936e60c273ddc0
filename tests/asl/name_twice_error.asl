/* name_twice_error: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "NAME_TWI", 1)
{
    Method (MAIN, 0, Serialized) { Local0 = 0 While (Local0 < 2) { Name (DUP0, 1) Local0++ } Return (Local0) }
}
