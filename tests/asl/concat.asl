/* concat: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CONCAT", 1)
{
    Method (MAIN) { Local0 = 0x1122 Local1 = "xy" Local2 = Buffer() {1, 2}
      Local7 = Package (5) {}
        Local7[0] = Concatenate(Local1, "z")
        Local7[1] = Concatenate(Local2, Buffer() {3})
        Local7[2] = Concatenate(Local0, 0x33)
        Local7[3] = Concatenate(Local1, Local0)
        Local7[4] = Concatenate(Local2, Local0)
        Return (Local7) }
}
