/* while_nested: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "WHILE_NE", 1)
{
    Method (MAIN) { Local0 = 0 Local2 = 0
      While (Local0 < 10) { Local1 = 0 While (Local1 < 10) { Local1++ If (Local1 > Local0) { Break } Local2++ } Local0++ }
      Return (Local2) }
}
