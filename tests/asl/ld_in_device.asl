/* ld_in_device: a failing statement inside a Device body skips that statement only. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_INDEV", 1)
{
    Name (ZR0, 0)
    Device (DEV0) {
        Name (A, 1)
        Name (X, 0)
        Store (Divide (4, ZR0), X)
        Name (B, 2)
    }
    Name (AFTR, 4)
    Method (MAIN) { Return (\DEV0.A + \DEV0.B + AFTR) }
}
