/* index_buf_oob: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "INDEX_BU", 1)
{
    Method (MAIN) { Local0 = Buffer() {1} Local1 = 1 Local0[Local1] = 2 Return (Local0) }
}
