/* tointeger: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "TOINTEGE", 1)
{
    Method (MAIN) { Local0 = "0x1F" Local1 = "123" Local2 = Buffer() {0x01, 0x02, 0x03, 0x04, 0x05}
      Local7 = Package (6) {}
        Local7[0] = ToInteger(Local0)
        Local7[1] = ToInteger(Local1)
        Local7[2] = ToInteger(Local2)
        Local7[3] = ToInteger(42)
        Local7[4] = ToInteger("0XAB")
        Local7[5] = ToInteger("  77")
        Return (Local7) }
}
