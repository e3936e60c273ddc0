/* eisaid: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "EISAID", 1)
{
    Method (MAIN) { Local7 = Package (2) {}
        Local7[0] = EisaId ("PNP0C80")
        Local7[1] = EisaId ("PNP0A03")
        Return (Local7) }
}
