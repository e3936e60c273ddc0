/* incdec: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "INCDEC", 1)
{
    Name (CNT0, 10)
    Method (MAIN) { Local0 = 5 Local0++ Local0++ Local1 = 0 Local1-- CNT0++ Decrement(CNT0) Decrement(CNT0)
      Local7 = Package (4) {}
        Local7[0] = Local0
        Local7[1] = Local1
        Local7[2] = CNT0
        Local7[3] = Increment(Local0)
        Return (Local7) }
}
