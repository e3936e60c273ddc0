/* st_field_over_method_buf: a method-local Buffer with CreateDWordField sees a Store into it. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_FMB", 1)
{
    Method (MAIN, 0, Serialized) {
        Name (BUF0, Buffer (4) { 0 })
        CreateDWordField (BUF0, 0, DW0)
        Store (0xCAFEBABE, BUF0)
        Return (DW0)
    }
}
