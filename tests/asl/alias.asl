/* alias: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ALIAS", 1)
{
    Name (INT0, 0x42)
    Alias (INT0, ALI0)
    Method (MTH0) { Return (0x99) }
    Alias (MTH0, ALM0)
    Method (MAIN) { Local7 = Package (2) {}
        Local7[0] = ALI0
        Local7[1] = ALM0()
        Return (Local7) }
}
