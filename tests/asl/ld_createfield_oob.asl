/* ld_createfield_oob: a CreateDWordField past its buffer at module level fails; the rest loads. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_CFOOB", 1)
{
    Name (BUF0, Buffer (2) { 1, 2 })
    CreateDWordField (BUF0, 0, DW0)
    Name (AFTR, 5)
    Method (MAIN) { Return (AFTR) }
}
