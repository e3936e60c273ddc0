/* supername_derefof: SizeOf and ObjectType of DerefOf(...), a SuperName that yields a value
 * (found by fuzz_aml: the interpreter read it as a reference). Compared with acpiexec. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "SNDEREF", 1)
{
    Name (PKG0, Package () { "two", Buffer (3) { 1, 2, 3 }, Package () { 4, 5, 6, 7 }, 9 })
    Method (MAIN) {
        Local7 = Package (6) {}
        Local7[0] = SizeOf (DerefOf (PKG0[0]))
        Local7[1] = SizeOf (DerefOf (PKG0[1]))
        Local7[2] = SizeOf (DerefOf (PKG0[2]))
        Local7[3] = ObjectType (DerefOf (PKG0[0]))
        Local7[4] = ObjectType (DerefOf (PKG0[2]))
        Local7[5] = ObjectType (DerefOf (PKG0[3]))
        Return (Local7)
    }
}
