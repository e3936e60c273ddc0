/* amlrun - load .aml tables into the hotmem AML interpreter on the host and evaluate paths.
 *
 * usage: amlrun [options] table.aml... [-- ]
 *   -e "PATH [arg...]"   evaluate PATH (args: integers, decimal or 0x, or "text" strings); repeatable
 *   -n [PATH]            dump the namespace (aml ns format) after loading
 *   -p                   print every namespace path, one per line
 *   -H N                 back ports 0xA00-0xA17 with a fake QEMU memory hotplug controller of N slots
 *   -s I:ADDR:SIZE:FLAGS[:NODE]  slot I's DIMM (FLAGS: bit0 enabled, bit1 insert, bit2 remove)
 *   -t                   trace port I/O to stdout
 *   -q                   quiet: no "Evaluating" lines
 *   -L N                 load the tables N times (a reset between loads; for the load benchmark)
 *   -T table.aml         offer a table to LoadTable/DataTableRegion without loading it; repeatable
 * Results print as "[Integer] = ...", "[String] ...", "[Buffer] ...", "[Package] ..." lines, "NONE"
 * when nothing is returned or "ERROR <message>". Delivered notifies print "NOTIFY <path> 0x<value>".
 * Ports outside the controller read back what was last written (64 KiB of zeroed "port RAM"), like
 * acpiexec's simulated regions; SystemMemory is simulated RAM from 0 to 4 GiB (zero-filled).
 * Exit status: 0 if every table loaded and every evaluation succeeded, 1 otherwise, 2 on usage errors.
 */
#include "drivers/acpi/aml/aml.h"
#include "tests/host/fake_mhpc.h"
#include "tests/host/plat_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SLOTS 256

static struct fake_mhpc_slot slots[MAX_SLOTS];
static int trace;
static uint8_t port_ram[0x10000];

/* QEMU's ACPI_DEVICE_OST and DEVICE_DELETED, printed. */
static void print_ost(unsigned slot, uint32_t event, uint32_t status)
{
    printf("HP OST slot %u event 0x%x status 0x%x\n", slot, event, status);
}

static void print_eject(unsigned slot)
{
    printf("HP EJECT slot %u\n", slot);
}

static struct fake_mhpc hpc = {slots, 0, 0, 0, print_ost, print_eject};

static uint32_t io_read(uint16_t port, int width)
{
    uint32_t v = 0;
    if (hpc.nslots && fake_mhpc_owns(port)) {
        v = fake_mhpc_read(&hpc, port, width);
    } else {
        for (int i = 0; i < width / 8; i++)
            v |= (uint32_t)port_ram[(uint16_t)(port + i)] << (8 * i);
    }
    if (trace)
        printf("IO read  0x%04x/%d = 0x%x\n", port, width, v);
    return v;
}

static void io_write(uint16_t port, int width, uint32_t value)
{
    if (trace)
        printf("IO write 0x%04x/%d = 0x%x\n", port, width, value);
    if (hpc.nslots && fake_mhpc_owns(port)) {
        if (port == FAKE_MHPC_BASE && value >= hpc.nslots)
            printf("HP bad selector %u\n", value);
        fake_mhpc_write(&hpc, port, value);
        return;
    }
    for (int i = 0; i < width / 8; i++)
        port_ram[(uint16_t)(port + i)] = (uint8_t)(value >> (8 * i));
}

/* Sleep(ms) blocks the process (as the kernel's ACPI worker thread does). */
static void host_sleep(uint64_t ns)
{
    struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
    nanosleep(&ts, NULL);
}

static void on_notify(struct aml_node *node, uint32_t value, void *ctx)
{
    (void)ctx;
    char p[128];
    aml_node_path(node, p, sizeof p);
    printf("NOTIFY %s 0x%x\n", p, value);
}

static int eval_line(const char *line, int quiet)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", line);
    char *tok[9];
    int nt = 0;
    char *p = buf;
    while (*p && nt < 9) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        if (*p == '"') {
            tok[nt++] = p++;
            while (*p && *p != '"')
                p++;
            if (*p)
                p++;
        } else {
            tok[nt++] = p;
            while (*p && *p != ' ')
                p++;
        }
        if (*p)
            *p++ = 0;
    }
    if (!nt)
        return 2;
    struct aml_obj *args[7];
    int argc = 0;
    for (int i = 1; i < nt && argc < 7; i++) {
        if (tok[i][0] == '"') {
            size_t l = strlen(tok[i]);
            if (l >= 2 && tok[i][l - 1] == '"')
                tok[i][l - 1] = 0;
            args[argc++] = aml_obj_string(tok[i] + 1);
        } else {
            args[argc++] = aml_obj_integer(strtoull(tok[i], NULL, 0));
        }
    }
    char path[256];
    snprintf(path, sizeof path, "%s%s", tok[0][0] == '\\' ? "" : "\\", tok[0]);
    if (!quiet)
        printf("Evaluating %s\n", path);
    struct aml_obj *res = NULL;
    int err = aml_eval(NULL, path, argc, args, &res);
    for (int i = 0; i < argc; i++)
        aml_obj_free(args[i]);
    if (err) {
        printf("ERROR %s\n", aml_last_error());
        return 1;
    }
    if (!res)
        printf("NONE\n");
    else
        aml_obj_print(res, 0);
    aml_obj_free(res);
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    const char *evals[64];
    int nevals = 0, dump = 0, paths = 0, quiet = 0, loads = 1;
    const char *dump_path = NULL;
    const char *files[32], *offered[8];
    int nfiles = 0, noffered = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-e") && i + 1 < argc && nevals < 64) {
            evals[nevals++] = argv[++i];
        } else if (!strcmp(a, "-n")) {
            dump = 1;
            if (i + 1 < argc && argv[i + 1][0] == '\\')
                dump_path = argv[++i];
        } else if (!strcmp(a, "-p")) {
            paths = 1;
        } else if (!strcmp(a, "-t")) {
            trace = 1;
        } else if (!strcmp(a, "-q")) {
            quiet = 1;
        } else if (!strcmp(a, "-T") && i + 1 < argc && noffered < 8) {
            offered[noffered++] = argv[++i];
        } else if (!strcmp(a, "-L") && i + 1 < argc) {
            loads = atoi(argv[++i]);
        } else if (!strcmp(a, "-H") && i + 1 < argc) {
            hpc.nslots = (unsigned)strtoul(argv[++i], NULL, 0);
            if (hpc.nslots > MAX_SLOTS)
                hpc.nslots = MAX_SLOTS;
        } else if (!strcmp(a, "-s") && i + 1 < argc) {
            char *e;
            unsigned idx = (unsigned)strtoul(argv[++i], &e, 0);
            if (idx >= MAX_SLOTS || *e != ':')
                return fprintf(stderr, "amlrun: bad -s %s\n", argv[i]), 2;
            slots[idx].addr = strtoull(e + 1, &e, 0);
            slots[idx].size = *e == ':' ? strtoull(e + 1, &e, 0) : 0;
            unsigned fl = *e == ':' ? (unsigned)strtoul(e + 1, &e, 0) : 1;
            slots[idx].node = *e == ':' ? (uint32_t)strtoul(e + 1, &e, 0) : 0;
            slots[idx].enabled = fl & 1;
            slots[idx].inserting = !!(fl & 2);
            slots[idx].removing = !!(fl & 4);
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            printf("usage: amlrun [-e \"PATH args\"]... [-n [PATH]] [-p] [-H slots] [-s "
                   "i:addr:size:flags[:node]] [-t] "
                   "[-q] table.aml...\n");
            return 0;
        } else if (a[0] == '-') {
            fprintf(stderr, "amlrun: unknown option %s\n", a);
            return 2;
        } else if (nfiles < 32) {
            files[nfiles++] = a;
        }
    }
    if (!nfiles) {
        fprintf(stderr, "amlrun: no tables\n");
        return 2;
    }
    plat_host_add_ram(0, 1ull << 32);
    plat_host_set_io(io_read, io_write);
    aml_sleep_fn = host_sleep;
    int status = 0;
    static uint8_t *tables[40];
    static size_t sizes[40];
    for (int k = 0; k < noffered; k++)
        files[nfiles + k] = offered[k];
    for (int i = 0; i < nfiles + noffered; i++) {
        FILE *f = fopen(files[i], "rb");
        if (!f) {
            perror(files[i]);
            return 2;
        }
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        tables[i] = malloc(n > 0 ? (size_t)n : 1);
        if (!tables[i] || fread(tables[i], 1, (size_t)n, f) != (size_t)n) {
            fprintf(stderr, "amlrun: cannot read %s\n", files[i]);
            return 2;
        }
        sizes[i] = (size_t)n;
        fclose(f);
    }
    for (int r = 1; r < loads; r++) { /* -L: extra loads, each undone */
        for (int i = 0; i < nfiles; i++)
            aml_load_table(tables[i], sizes[i]);
        aml_reset();
    }
    aml_register_notify(NULL, on_notify, NULL);
    for (int k = 0; k < noffered; k++)
        aml_register_table(tables[nfiles + k], sizes[nfiles + k]);
    for (int i = 0; i < nfiles; i++) {
        if (aml_load_table(tables[i], sizes[i])) {
            printf("LOAD ERROR %s: %s\n", files[i], aml_last_error());
            status = 1;
        }
    }
    printf("LOADED %u errors\n", aml_load_errors());
    if (dump)
        aml_dump_ns(dump_path ? aml_find(NULL, dump_path) : NULL);
    if (paths)
        aml_print_paths(NULL);
    for (int i = 0; i < nevals; i++)
        if (eval_line(evals[i], quiet))
            status = 1;
    aml_reset();
    for (int i = 0; i < nfiles + noffered; i++)
        free(tables[i]);
    return status;
}
