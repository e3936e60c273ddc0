/* ld_else_undef: an undefined name inside a module-level Else goes on with the rest of the Else (ACPICA skips only If and While blocks). EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_EUNDF", 1)
{
    External (\UNDF, IntObj)
    Name (X, 0)
    Name (Y, 0)
    If (X) { Y = 1 } Else { Y = 2 Store (UNDF, X) Y = 3 }
    Name (AFTR, 5)
    Method (MAIN) { Return (Y + AFTR) }
}
