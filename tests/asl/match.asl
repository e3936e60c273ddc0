/* match: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "MATCH", 1)
{
    Name (PKG0, Package() { 1, 5, 9, 5, 12 })
    Method (MAIN) { Local7 = Package (5) {}
        Local7[0] = Match(PKG0, MEQ, 5, MTR, 0, 0)
        Local7[1] = Match(PKG0, MEQ, 5, MTR, 0, 2)
        Local7[2] = Match(PKG0, MGT, 8, MLT, 12, 0)
        Local7[3] = Match(PKG0, MEQ, 7, MTR, 0, 0)
        Local7[4] = Match(PKG0, MGE, 12, MLE, 12, 0)
        Return (Local7) }
}
