/* st_switch_buf: Switch on a Buffer value matches a Buffer Case. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_SWB", 1)
{
    Name (BUF0, Buffer () { 1, 2 })
    Method (MAIN, 0, Serialized) {
        Switch (BUF0) {
            Case (Buffer () { 1, 3 }) { Return (1) }
            Case (Buffer () { 1, 2 }) { Return (2) }
            Default { Return (3) }
        }
    }
}
