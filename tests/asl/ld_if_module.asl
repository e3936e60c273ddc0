/* ld_if_module: a failing statement inside a module-level If skips that statement only. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_IFMOD", 1)
{
    External (\UNDF, IntObj)
    Name (X, 1)
    Name (Y, 0)
    If (X) {
        Store (UNDF, Y)
        Store (3, Y)
    }
    Name (AFTR, 5)
    Method (MAIN) { Return (Y + AFTR) }
}
