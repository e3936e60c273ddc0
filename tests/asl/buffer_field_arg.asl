/* buffer_field_arg: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "BUFFER_F", 1)
{
    Method (OSC, 1) { CreateDWordField (Arg0, 0, CDW1) CreateDWordField (Arg0, 4, CDW2) CDW1 |= 0x10 CDW2 = 0x1E Return (Arg0) }
    Method (MAIN) { Local0 = Buffer() { 1, 0, 0, 0, 0, 0, 0, 0 } Return (OSC(Local0)) }
}
