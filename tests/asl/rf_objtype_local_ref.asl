/* rf_objtype_local_ref: ObjectType of a Local holding RefOf(name) is the name's type. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_OTLR", 1)
{
    Name (STR0, "a")
    Method (MAIN) { Local0 = RefOf (STR0) Return (ObjectType (Local0)) }
}
