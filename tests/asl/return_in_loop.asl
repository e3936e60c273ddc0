/* return_in_loop: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RETURN_I", 1)
{
    Method (FND, 1) { Local0 = 0 While (1) { If (Local0 == Arg0) { Return (Local0 * 3) } Local0++ } Return (Ones) }
    Method (MAIN) { Local7 = Package (3) {}
        Local7[0] = FND(0)
        Local7[1] = FND(5)
        Local7[2] = FND(20)
        Return (Local7) }
}
