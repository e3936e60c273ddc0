/* tobuffer32: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 1, "HOTMEM", "TOBUFFER", 1)
{
    Method (MAIN) { Local0 = 0x01020304 Return (ToBuffer(Local0)) }
}
