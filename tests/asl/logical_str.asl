/* logical_str: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LOGICAL_", 1)
{
    Method (MAIN) { Local0 = "abc"
      Local7 = Package (6) {}
        Local7[0] = Local0 == "abc"
        Local7[1] = Local0 < "abd"
        Local7[2] = Local0 > "ab"
        Local7[3] = "b" > Local0
        Local7[4] = Local0 == "abcd"
        Local7[5] = Local0 != "xyz"
        Return (Local7) }
}
