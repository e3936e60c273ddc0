/* while_break: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "WHILE_BR", 1)
{
    Method (MAIN) { Local0 = 0 Local1 = 0
      While (Local0 < 100) { Local0++ If (Local0 == 7) { Break } If (Local0 & 1) { Continue } Local1 += Local0 }
      Local7 = Package (2) {}
        Local7[0] = Local0
        Local7[1] = Local1
        Return (Local7) }
}
