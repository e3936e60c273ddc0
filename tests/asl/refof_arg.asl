/* refof_arg: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "REFOF_AR", 1)
{
    Name (INT0, 5)
    Method (SET, 1) { Arg0 = 0x77 }
    Method (MAIN) { SET (RefOf(INT0)) Return (INT0) }
}
