/* serialized_name: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "SERIALIZ", 1)
{
    Method (MKN, 1, Serialized) { Name (TMP0, 5) TMP0 += Arg0 Return (TMP0) }
    Method (MAIN) { Local7 = Package (3) {}
        Local7[0] = MKN(1)
        Local7[1] = MKN(2)
        Local7[2] = MKN(3)
        Return (Local7) }
}
