/* rf_index_store_local: an Index reference kept in a Local writes the package element. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_IXSL", 1)
{
    Name (PKG0, Package () { 1, 2, 3 })
    Method (MAIN) { Local0 = Index (PKG0, 1) Store (0x22, Local0) Return (PKG0) }
}
