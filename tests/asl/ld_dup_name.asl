/* ld_dup_name: a duplicate Name keeps the first object. IASL: -f */
/* EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_DUP", 1)
{
    Name (DUP1, 1)
    Scope (\) { Name (\DUP1, 2) }
    Name (AFTR, 4)
    Method (MAIN) { Return (DUP1 + AFTR) }
}
