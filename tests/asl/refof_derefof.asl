/* refof_derefof: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "REFOF_DE", 1)
{
    Name (INT0, 5)
    Name (STR0, "s")
    Method (MAIN) { Local0 = RefOf(INT0) Local1 = DerefOf(Local0) Local2 = CondRefOf(STR0, Local3) Local4 = CondRefOf(\NONE, Local5)
      Local7 = Package (4) {}
        Local7[0] = Local1
        Local7[1] = Local2
        Local7[2] = Local4
        Local7[3] = DerefOf(Local3)
        Return (Local7) }
}
