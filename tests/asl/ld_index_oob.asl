/* ld_index_oob: an Index past a package's end at module level fails; the rest loads. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_IDXOB", 1)
{
    Name (PKG0, Package (2) { 1, 2 })
    Name (N5, 5)
    Name (X, 0)
    Store (DerefOf (Index (PKG0, N5)), X)
    Name (AFTR, 5)
    Method (MAIN) { Return (AFTR + X) }
}
