/* rf_objtype_refs: ObjectType of Locals holding references to a buffer, package, device, mutex, method. EVAL: M0 M1 M2 M3 M4 */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_OTRS", 1)
{
    Name (BUF0, Buffer (1) {})
    Name (PKG0, Package (1) {})
    Device (DEV0) {}
    Mutex (MTX0, 0)
    Method (MTH0) {}
    Method (M0) { Local0 = RefOf (BUF0) Return (ObjectType (Local0)) }
    Method (M1) { Local0 = RefOf (PKG0) Return (ObjectType (Local0)) }
    Method (M2) { Local0 = RefOf (DEV0) Return (ObjectType (Local0)) }
    Method (M3) { Local0 = RefOf (MTX0) Return (ObjectType (Local0)) }
    Method (M4) { Local0 = RefOf (MTH0) Return (ObjectType (Local0)) }
}
