/* if_else: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "IF_ELSE", 1)
{
    Method (TST, 1) { If (Arg0 == 1) { Return (10) } ElseIf (Arg0 == 2) { Return (20) } Else { If (Arg0 > 5) { Return (50) } } Return (99) }
    Method (MAIN) { Local7 = Package (4) {}
        Local7[0] = TST(1)
        Local7[1] = TST(2)
        Local7[2] = TST(3)
        Local7[3] = TST(6)
        Return (Local7) }
}
