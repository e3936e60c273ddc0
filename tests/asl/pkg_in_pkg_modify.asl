/* pkg_in_pkg_modify: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "PKG_IN_P", 1)
{
    Name (PKG0, Package() { Package() { 1, 2 }, 3 })
    Method (MAIN) { Local0 = DerefOf(PKG0[0]) Local1 = DerefOf(Local0[1]) Local7 = Package (2) {}
        Local7[0] = Local1
        Local7[1] = SizeOf(Local0)
        Return (Local7) }
}
