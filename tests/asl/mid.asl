/* mid: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "MID", 1)
{
    Method (MAIN) { Local0 = "hello world" Local1 = Buffer() {1, 2, 3, 4, 5}
      Local7 = Package (5) {}
        Local7[0] = Mid(Local0, 6, 5)
        Local7[1] = Mid(Local0, 6, 100)
        Local7[2] = Mid(Local0, 20, 2)
        Local7[3] = Mid(Local1, 1, 3)
        Local7[4] = Mid(Local1, 4, 9)
        Return (Local7) }
}
