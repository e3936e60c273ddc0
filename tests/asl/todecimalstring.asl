/* todecimalstring: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "TODECIMA", 1)
{
    Method (MAIN) { Local0 = 1234 Local1 = Buffer() {1, 20, 255}
      Local7 = Package (4) {}
        Local7[0] = ToDecimalString(Local0)
        Local7[1] = ToDecimalString(Local1)
        Local7[2] = ToDecimalString("x")
        Local7[3] = ToDecimalString(0)
        Return (Local7) }
}
