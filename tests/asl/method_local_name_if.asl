/* method_local_name_if: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "METHOD_L", 1)
{
    Method (TST, 1, Serialized) { If (Arg0) { Name (IN0, "yes") Return (IN0) } Name (IN1, Buffer() {1, 2}) Return (IN1) }
    Method (MAIN) { Local7 = Package (3) {}
        Local7[0] = TST(1)
        Local7[1] = TST(0)
        Local7[2] = TST(1)
        Return (Local7) }
}
