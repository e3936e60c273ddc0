/* copyobject: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "COPYOBJE", 1)
{
    Name (OBJ0, "string")
    Method (MAIN) { CopyObject (0x1234, OBJ0) Local0 = ObjectType(OBJ0) CopyObject (Buffer() {1, 2}, Local1) Local7 = Package (3) {}
        Local7[0] = OBJ0
        Local7[1] = Local0
        Local7[2] = Local1
        Return (Local7) }
}
