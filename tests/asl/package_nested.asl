/* package_nested: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "PACKAGE_", 1)
{
    Method (MAIN) { Return (Package () { Package() { Package() { 1, "deep" }, 2 }, Buffer() {0xAA}, "s", 0x123456789ABCDEF0 }) }
}
