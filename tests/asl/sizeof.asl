/* sizeof: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "SIZEOF", 1)
{
    Name (PKG0, Package(5) { 1, 2 })
    Method (MAIN) { Local0 = "abcd" Local1 = Buffer(10) {} Local2 = Package() {1, 2, 3}
      Local7 = Package (4) {}
        Local7[0] = SizeOf(Local0)
        Local7[1] = SizeOf(Local1)
        Local7[2] = SizeOf(Local2)
        Local7[3] = SizeOf(PKG0)
        Return (Local7) }
}
