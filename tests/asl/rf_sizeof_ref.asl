/* rf_sizeof_ref: SizeOf through an Arg holding RefOf(a Buffer). EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_SZR", 1)
{
    Name (BUF0, Buffer (5) {})
    Method (SZ, 1) { Return (SizeOf (Arg0)) }
    Method (MAIN) { Return (SZ (RefOf (BUF0))) }
}
