/* tohexstring: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "TOHEXSTR", 1)
{
    Method (MAIN) { Local0 = 0xABC Local1 = Buffer() {0x01, 0xFF}
      Local7 = Package (3) {}
        Local7[0] = ToHexString(Local0)
        Local7[1] = ToHexString(Local1)
        Local7[2] = ToHexString("str")
        Return (Local7) }
}
