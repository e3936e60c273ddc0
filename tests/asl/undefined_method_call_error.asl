/* undefined_method_call_error: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "UNDEFINE", 1)
{
    External (\NOPE, MethodObj)
    Method (MAIN) { Return (\NOPE()) }
}
