/* index_local: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "INDEX_LO", 1)
{
    Method (MAIN) { Local0 = Package() { 1, 2, 3 } Local0[1] = "x" Local1 = Buffer() {7, 8} Local1[0] = 0x1FF
      Local7 = Package (3) {}
        Local7[0] = Local0
        Local7[1] = Local1
        Local7[2] = DerefOf(Local0[2])
        Return (Local7) }
}
