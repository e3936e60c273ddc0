/* ld_div0: a division by zero at module level fails that statement only; names after it load. EVAL: AFTR MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_DIV0", 1)
{
    Name (ZR0, 0)
    Name (BEFR, 1)
    Name (X, 0)
    Divide (1, ZR0, X)
    Name (AFTR, 2)
    Method (MAIN) { Return (BEFR + AFTR + X) }
}
