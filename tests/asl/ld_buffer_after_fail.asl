/* ld_buffer_after_fail: a Buffer and a Package after a failing statement load intact. EVAL: MAIN M2 */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_BAF", 1)
{
    Name (ZR0, 0)
    Name (X, 0)
    Store (Mod (1, ZR0), X)
    Name (BUF0, Buffer () { 1, 2, 3 })
    Name (PKG0, Package () { "a", 2 })
    Method (MAIN) { Return (BUF0) }
    Method (M2) { Return (PKG0) }
}
