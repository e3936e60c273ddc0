/* st_switch_str: Switch on a String matches a String Case. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_SWS", 1)
{
    Method (MAIN, 0, Serialized) {
        Local0 = "two"
        Switch (Local0) {
            Case ("one") { Return (1) }
            Case ("two") { Return (2) }
        }
        Return (0)
    }
}
