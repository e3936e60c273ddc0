/* concat32: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 1, "HOTMEM", "CONCAT32", 1)
{
    Method (MAIN) { Local0 = 0x1122 Return (Concatenate(Local0, 0x33)) }
}
