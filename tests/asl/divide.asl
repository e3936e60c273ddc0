/* divide: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "DIVIDE", 1)
{
    Method (MAIN) { Local5 = 100 Divide (Local5, 7, Local0, Local1) Local2 = Local5 / 9 Local3 = Local5 % 9
      Local7 = Package (5) {}
        Local7[0] = Local0
        Local7[1] = Local1
        Local7[2] = Local2
        Local7[3] = Local3
        Local7[4] = Divide(Local5, 3)
        Return (Local7) }
}
