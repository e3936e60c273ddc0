/* ld_while_module: a failing statement in a module-level While skips that statement, the loop goes on. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_WHILE", 1)
{
    Name (ZR0, 0)
    Name (I, 0)
    Name (S, 0)
    Name (X, 0)
    While (I < 3) {
        Divide (1, ZR0, X)
        Add (S, 10, S)
        Increment (I)
    }
    Name (AFTR, 5)
    Method (MAIN) { Return (S + AFTR) }
}
