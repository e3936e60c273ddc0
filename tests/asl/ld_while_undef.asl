/* ld_while_undef: an undefined name inside a module-level While leaves the loop (ACPICA's rule). EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_WUNDF", 1)
{
    External (\UNDF, IntObj)
    Name (I, 0)
    Name (X, 0)
    While (I < 3) {
        Increment (I)
        Store (UNDF, X)
        Increment (I)
    }
    Name (AFTR, 5)
    Method (MAIN) { Return (I + AFTR) }
}
