/* index_pkg: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "INDEX_PK", 1)
{
    Name (PKG0, Package() { 1, "two", Buffer() {3}, Package() {4, 5} })
    Method (MAIN) { Local0 = DerefOf(PKG0[1]) Local1 = DerefOf(DerefOf(PKG0[3])[1]) PKG0[0] = 0x11 Store (0x22, Index(PKG0, 2))
      Local7 = Package (5) {}
        Local7[0] = Local0
        Local7[1] = Local1
        Local7[2] = DerefOf(PKG0[0])
        Local7[3] = DerefOf(Index(PKG0, 2))
        Local7[4] = PKG0
        Return (Local7) }
}
