/* package_names: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "PACKAGE_", 1)
{
    Name (INT0, 0x42)
    Name (STR0, "name")
    Name (PKG0, Package() { INT0, STR0, 7 })
    Method (MAIN) { Return (PKG0) }
}
