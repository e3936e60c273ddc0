/* scope_search: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "SCOPE_SE", 1)
{
    Name (TOP0, 1)
    Scope (\_SB) { Name (SB00, 2) Device (DEV0) { Name (DV00, 3) Device (DEV1) { Name (DV00, 4)
       Method (GET) { Local7 = Package (7) {}
        Local7[0] = TOP0
        Local7[1] = SB00
        Local7[2] = DV00
        Local7[3] = ^DV00
        Local7[4] = ^^DV00
        Local7[5] = \_SB.DEV0.DEV1.DV00
        Local7[6] = \_SB.SB00
        Return (Local7) } } } }
    Method (MAIN) { Return (\_SB.DEV0.DEV1.GET()) }
}
