/* tohexstring32: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 1, "HOTMEM", "TOHEXSTR", 1)
{
    Method (MAIN) { Local0 = 0xABC Return (ToHexString(Local0)) }
}
