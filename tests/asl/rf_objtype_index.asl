/* rf_objtype_index: ObjectType of Index references into a package and a buffer. EVAL: M0 M1 M2 */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_OTIX", 1)
{
    Name (PKG0, Package () { "s", 1 })
    Name (BUF0, Buffer (2) {})
    Method (M0) { Return (ObjectType (Index (PKG0, 0))) }
    Method (M1) { Return (ObjectType (Index (PKG0, 1))) }
    Method (M2) { Return (ObjectType (Index (BUF0, 1))) }
}
