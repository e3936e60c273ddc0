/* string_index_store: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "STRING_I", 1)
{
    Method (MAIN) { Local0 = "abc" Local7 = Package (2) {}
        Local7[0] = DerefOf(Local0[1])
        Local7[1] = SizeOf(Local0)
        Return (Local7) }
}
