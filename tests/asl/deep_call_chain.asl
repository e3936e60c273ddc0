/* deep_call_chain: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "DEEP_CAL", 1)
{
    Method (L1, 1) { Return (L2(Arg0) + 1) }
    Method (L2, 1) { Return (L3(Arg0) + 1) }
    Method (L3, 1) { Return (L4(Arg0) + 1) }
    Method (L4, 1) { Return (Arg0 * 2) }
    Method (MAIN) { Local0 = 0 Local1 = 0 While (Local0 < 50) { Local1 += L1(Local0) Local0++ } Return (Local1) }
}
