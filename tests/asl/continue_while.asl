/* continue_while: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CONTINUE", 1)
{
    Method (MAIN) { Local0 = 0 Local1 = 0 While (Local0 < 10) { Local0++ If (Local0 % 3) { Continue } Local1 += Local0 } Return (Local1) }
}
