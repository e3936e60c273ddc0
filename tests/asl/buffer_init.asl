/* buffer_init: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "BUFFER_I", 1)
{
    Method (MAIN) { Local0 = 6 Local7 = Package (4) {}
        Local7[0] = Buffer(Local0) { 1, 2 }
        Local7[1] = Buffer() { 3, 4, 5 }
        Local7[2] = Buffer(2) { 7, 8 }
        Local7[3] = Buffer(0) {}
        Return (Local7) }
}
