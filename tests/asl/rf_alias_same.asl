/* rf_alias_same: an Alias of a Buffer is the same object: a field over the alias sees writes to the original. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_ALS", 1)
{
    Name (BUF0, Buffer (2) { 0, 0 })
    Alias (BUF0, ALS0)
    CreateByteField (ALS0, 1, BY1)
    Method (MAIN) { BUF0 = Buffer () { 3, 4 } Return (BY1) }
}
