/* createfields: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CREATEFI", 1)
{
    Method (MAIN) { Local0 = Buffer(16) {}
      CreateByteField (Local0, 0, BYT0) CreateWordField (Local0, 1, WRD0) CreateDWordField (Local0, 3, DWD0)
      CreateQWordField (Local0, 7, QWD0) CreateBitField (Local0, 120, BIT0) CreateField (Local0, 116, 3, FLD0)
      BYT0 = 0x1FF WRD0 = 0xABCD DWD0 = 0x12345678 QWD0 = 0x1122334455667788 BIT0 = 1 FLD0 = 5
      Local7 = Package (7) {}
        Local7[0] = Local0
        Local7[1] = BYT0
        Local7[2] = WRD0
        Local7[3] = DWD0
        Local7[4] = QWD0
        Local7[5] = BIT0
        Local7[6] = FLD0
        Return (Local7) }
}
