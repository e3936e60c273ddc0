/* forward_call: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "FORWARD_", 1)
{
    Method (MAIN) { Return (LATR(5)) }
    Method (LATR, 1) { Return (Arg0 * 2 + LAT2) }
    Name (LAT2, 0x100)
}
