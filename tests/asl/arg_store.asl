/* arg_store: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ARG_STOR", 1)
{
    Method (MDF, 1) { Arg0 = 0x99 Return (Arg0) }
    Method (MAIN) { Local0 = 5 Local1 = MDF(Local0) Local7 = Package (2) {}
        Local7[0] = Local0
        Local7[1] = Local1
        Return (Local7) }
}
