/* tostring: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "TOSTRING", 1)
{
    Method (MAIN) { Local0 = Buffer() {0x61, 0x62, 0x63, 0x00, 0x64}
      Local7 = Package (3) {}
        Local7[0] = ToString(Local0, Ones)
        Local7[1] = ToString(Local0, 2)
        Local7[2] = ToString(Buffer() {0x41, 0x42}, Ones)
        Return (Local7) }
}
