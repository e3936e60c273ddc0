/* store_local_copy: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "STORE_LO", 1)
{
    Name (BUF0, Buffer() { 1, 2, 3 })
    Method (MAIN) { Local0 = BUF0 Local0[0] = 0xFF Local7 = Package (2) {}
        Local7[0] = BUF0
        Local7[1] = Local0
        Return (Local7) }
}
