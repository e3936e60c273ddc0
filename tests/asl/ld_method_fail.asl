/* ld_method_fail: a module-level call of a failing method fails that statement; the rest loads. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_MFAIL", 1)
{
    Name (ZR0, 0)
    Name (X, 0)
    Method (BAD) { X = 5 Return (1 / ZR0) }
    Name (Y, 0)
    Store (BAD (), Y)
    Name (AFTR, 4)
    Method (MAIN) { Return (X + Y + AFTR) }
}
