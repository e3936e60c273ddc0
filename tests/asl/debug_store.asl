/* debug_store: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "DEBUG_ST", 1)
{
    Method (MAIN) { Debug = "hello" Debug = 0x1234 Store (Package() {1, 2}, Debug) Return (1) }
}
