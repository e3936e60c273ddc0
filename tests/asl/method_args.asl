/* method_args: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "METHOD_A", 1)
{
    Method (SUM7, 7) { Return (Arg0 + Arg1 + Arg2 + Arg3 + Arg4 + Arg5 + Arg6) }
    Method (CAT, 2) { Return (Concatenate(Arg0, Arg1)) }
    Method (MAIN) { Local7 = Package (2) {}
        Local7[0] = SUM7(1, 2, 3, 4, 5, 6, 7)
        Local7[1] = CAT("ab", "cd")
        Return (Local7) }
}
