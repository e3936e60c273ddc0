/* rf_event_arg: an Event passed as a method argument can be signalled and waited on. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RF_EARG", 1)
{
    Event (EVT0)
    Method (SIG, 1) { Signal (Arg0) Return (Wait (Arg0, 0)) }
    Method (MAIN) { Return (SIG (EVT0)) }
}
