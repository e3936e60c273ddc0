/* int64_wrap: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "INT64_WR", 1)
{
    Method (MAIN) { Local0 = Ones Local1 = Local0 + 2 Local2 = 0x8000000000000000 * 2 Local3 = 0 - 1
      Local7 = Package (5) {}
        Local7[0] = Local0
        Local7[1] = Local1
        Local7[2] = Local2
        Local7[3] = Local3
        Local7[4] = 0xFFFFFFFF + 1
        Return (Local7) }
}
