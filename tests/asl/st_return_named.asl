/* st_return_named: a method returning a named Integer returns its value at that time. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_RETN", 1)
{
    Name (INT0, 1)
    Method (GETV) { Return (INT0) }
    Method (MAIN) { Local0 = GETV () INT0 = 5 Return (Local0 + INT0) }
}
