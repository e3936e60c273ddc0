/* int_arith: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "INT_ARIT", 1)
{
    Method (MAIN) { Local0 = 7 Local1 = 5
      Local7 = Package (7) {}
        Local7[0] = Local0 + Local1
        Local7[1] = Local0 - Local1
        Local7[2] = Local1 - Local0
        Local7[3] = Local0 * Local1
        Local7[4] = Add(Local0, 1)
        Local7[5] = Subtract(Local0, 2)
        Local7[6] = Multiply(3, 4)
        Return (Local7) }
}
