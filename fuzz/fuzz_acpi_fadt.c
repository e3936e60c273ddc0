/* fuzz_acpi_fadt.c - libFuzzer target: acpi_fadt_parse (see fuzz_acpi_common.h for the input). */
#include "fuzz_acpi_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    plat_host_loglevel = -1;
    size_t n;
    uint8_t *t = fuzz_table(data, size, "FACP", &n);
    struct acpi_fadt f;
    int rc = acpi_fadt_parse(t, n, &f);
    if ((rc == ACPI_OK) != f.valid)
        abort();
    if (f.gpe0.len % 2 || f.gpe1.len % 2)
        abort();
    free(t);
    return 0;
}
