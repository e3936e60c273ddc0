/* recursion: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RECURSIO", 1)
{
    Method (FACT, 1) { If (Arg0 <= 1) { Return (1) } Return (Arg0 * FACT(Arg0 - 1)) }
    Method (FIB, 1) { If (Arg0 < 2) { Return (Arg0) } Return (FIB(Arg0 - 1) + FIB(Arg0 - 2)) }
    Method (MAIN) { Local7 = Package (2) {}
        Local7[0] = FACT(10)
        Local7[1] = FIB(12)
        Return (Local7) }
}
