/* logical_int: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LOGICAL_", 1)
{
    Method (MAIN) { Local0 = 5 Local1 = 7
      Local7 = Package (12) {}
        Local7[0] = Local0 == Local1
        Local7[1] = Local0 != Local1
        Local7[2] = Local0 < Local1
        Local7[3] = Local0 > Local1
        Local7[4] = Local0 <= Local1
        Local7[5] = Local0 >= Local1
        Local7[6] = LAnd(Local0, Local1)
        Local7[7] = LOr(0, Local1)
        Local7[8] = LOr(0, 0)
        Local7[9] = LAnd(Local0, 0)
        Local7[10] = !Local0
        Local7[11] = !0
        Return (Local7) }
}
