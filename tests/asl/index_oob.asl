/* index_oob: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "INDEX_OO", 1)
{
    Name (PKG0, Package() { 1, 2 })
    Method (MAIN) { Local1 = 5 Local0 = DerefOf(PKG0[Local1]) Return (Local0) }
}
