/* varpackage: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "VARPACKA", 1)
{
    Method (MAIN) { Local0 = 4 Local1 = Package(Local0) { 1, 2 } Local1[3] = 9 Local7 = Package (3) {}
        Local7[0] = SizeOf(Local1)
        Local7[1] = DerefOf(Local1[3])
        Local7[2] = DerefOf(Local1[1])
        Return (Local7) }
}
