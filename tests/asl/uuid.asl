/* uuid: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "UUID", 1)
{
    Method (MAIN) { Return (ToUUID ("33db4d5b-1ff7-401c-9657-7441c03dd766")) }
}
