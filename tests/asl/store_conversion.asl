/* store_conversion: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "STORE_CO", 1)
{
    Name (INT0, 0)
    Name (STR0, "abcdef")
    Name (BUF0, Buffer(4) {})
    Method (MAIN) { INT0 = "12" STR0 = 0x1A BUF0 = 0x0102 Return (Package () { INT0, STR0, BUF0 }) }
}
