/* tointeger32: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 1, "HOTMEM", "TOINTEGE", 1)
{
    Method (MAIN) { Local2 = Buffer() {0x01, 0x02, 0x03, 0x04, 0x05}
      Local7 = Package (2) {}
        Local7[0] = ToInteger(Local2)
        Local7[1] = ToInteger("0x123456789")
        Return (Local7) }
}
