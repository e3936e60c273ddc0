/* tobuffer: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "TOBUFFER", 1)
{
    Method (MAIN) { Local0 = 0x0102 Local1 = "AB"
      Local7 = Package (4) {}
        Local7[0] = ToBuffer(Local0)
        Local7[1] = ToBuffer(Local1)
        Local7[2] = ToBuffer(Buffer() {9, 8})
        Local7[3] = ToBuffer("")
        Return (Local7) }
}
