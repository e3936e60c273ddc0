/* createfield_big: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CREATEFI", 1)
{
    Method (MAIN) { Local0 = Buffer() {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12} CreateField (Local0, 8, 80, BIGF) Return (BIGF) }
}
