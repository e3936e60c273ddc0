/* two_range.asl - one PNP0C80 memory device with two memory ranges (QEMU gives one per device),
 * for tests/host/test_memhp_states.c (which compiles it with iasl at run time). OSTS/OSTC record
 * the last _OST status and count them, EJ0C counts _EJ0 calls. */
DefinitionBlock ("", "SSDT", 2, "HOTMEM", "TWORANGE", 1)
{
    Name (OSTS, 0xFF)
    Name (OSTC, 0)
    Name (EJ0C, 0)
    Scope (\_SB)
    {
        Device (MEMX)
        {
            Name (_HID, EisaId ("PNP0C80"))
            Name (_UID, 7)
            Method (_STA, 0) { Return (0x0F) }
            Name (_CRS, ResourceTemplate ()
            {
                QWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, Cacheable, ReadWrite,
                    0, 0x100000000, 0x107FFFFFF, 0, 0x8000000)
                QWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, Cacheable, ReadWrite,
                    0, 0x110000000, 0x117FFFFFF, 0, 0x8000000)
            })
            Method (_OST, 3) { Store (Arg1, OSTS) Increment (OSTC) }
            Method (_EJ0, 1) { Increment (EJ0C) }
        }
    }
}
