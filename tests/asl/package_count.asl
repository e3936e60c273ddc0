/* package_count: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "PACKAGE_", 1)
{
    Method (MAIN) { Return (Package(3) { 1 }) }
}
