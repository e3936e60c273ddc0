/* if_nested: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "IF_NESTE", 1)
{
    Method (MAIN) { Local0 = 0
      If (1) { If (0) { Local0 = 1 } Else { If (1) { Local0 = 2 } } Local0 += 10 } Else { Local0 = 3 }
      If (0) { Local0 = 100 }
      Return (Local0) }
}
