/* createfield_oob: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CREATEFI", 1)
{
    Method (MAIN) { Local0 = Buffer(4) {} Local1 = 2 CreateDWordField (Local0, Local1, XX00) Return (XX00) }
}
