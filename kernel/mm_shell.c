/* mm_shell.c - shell commands of the memory manager (kernel only). Output formats are the
 * key=value lines of mm/dump.c and docs/mm.md. */
#include <string.h>

#include "kernel/shell.h"
#include "mm/mm_internal.h"

/* ---- alloc / free: groups of raw blocks, movable ones migratable ---------------------------- */
#define SHELL_GROUPS 64
static struct {
    uint32_t id;
    uint32_t count;
    unsigned order;
    uint64_t *pa;
} groups[SHELL_GROUPS];
static uint32_t next_group = 1;

/* Migration of shell blocks: the group (cookie) and index (aux) say where the pa is kept. */
static int shell_migrate(uint64_t old_pa, uint64_t new_pa, unsigned order, uint32_t cookie, uint32_t aux)
{
    for (int g = 0; g < SHELL_GROUPS; g++)
        if (groups[g].pa && groups[g].id == cookie && aux < groups[g].count && groups[g].pa[aux] == old_pa &&
            groups[g].order == order) {
            groups[g].pa[aux] = new_pa;
            return 0;
        }
    return MM_ENOENT;
}

static int parse_u(const char *s, unsigned long long *v, const char *what)
{
    if (shell_parse_u64(s, v))
        return shell_error("bad %s '%s'", what, s);
    return 0;
}

/* Parse "<section index>" or "0xbase-0xend" into a 2 MiB aligned range. */
static int parse_range(char *arg, uint64_t *base, uint64_t *size)
{
    unsigned long long a, b;
    char *dash = strchr(arg, '-');
    if (!dash) {
        if (shell_parse_u64(arg, &a) || a >= NR_SECTIONS)
            return shell_error("bad section index '%s' (0..%llu, or 0xbase-0xend)", arg,
                               (unsigned long long)NR_SECTIONS - 1);
        *base = a << SECTION_SHIFT;
        *size = SECTION_SIZE;
        return 0;
    }
    *dash = 0;
    int bad = shell_parse_u64(arg, &a) || shell_parse_u64(dash + 1, &b);
    *dash = '-';
    if (bad || b <= a || (a | b) & (SUBSECTION_SIZE - 1) || b > MAX_PHYS_ADDR)
        return shell_error("bad range '%s' (want 0xbase-0xend, 2 MiB aligned, below 0x%llx)", arg,
                           (unsigned long long)MAX_PHYS_ADDR);
    *base = a;
    *size = b - a;
    return 0;
}

static int cmd_mem(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    mm_dump_mem();
    return 0;
}
SHELL_COMMAND("mem", "", "memory per node and zone (pages): present, online, free, kernel, movable", cmd_mem);

static int cmd_buddyinfo(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    mm_dump_buddyinfo();
    return 0;
}
SHELL_COMMAND("buddyinfo", "", "free blocks per order (0..9) per node and zone", cmd_buddyinfo);

static int cmd_sections(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    mm_dump_sections();
    return 0;
}
SHELL_COMMAND("sections", "", "one line per present 128 MiB section", cmd_sections);

static int cmd_alloc(int argc, char **argv)
{
    unsigned long long count, order = 0;
    bool movable = false;
    if (argc < 2)
        return shell_error("usage: alloc <count> [order] [movable]");
    if (parse_u(argv[1], &count, "count"))
        return -1;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "movable"))
            movable = true;
        else if (parse_u(argv[i], &order, "order"))
            return -1;
    }
    if (!count || count > 1000000 || order > MM_MAX_ORDER)
        return shell_error("count must be 1..1000000 and order 0..%u", MM_MAX_ORDER);
    int g;
    for (g = 0; g < SHELL_GROUPS && groups[g].pa; g++)
        ;
    if (g == SHELL_GROUPS)
        return shell_error("too many allocation groups (free some)");
    uint64_t *pa = kmalloc(count * sizeof *pa);
    if (!pa)
        return shell_error("no memory for the table of %llu blocks", count);
    mm_set_migrate_fn(MM_OWN_SHELL, shell_migrate);
    uint32_t id = next_group++;
    uint64_t n;
    for (n = 0; n < count; n++) {
        pa[n] = mm_alloc_pages_owner((unsigned)order, movable ? MM_MOVABLE : 0, MM_OWN_SHELL, id);
        if (!pa[n])
            break;
        mm_set_aux(pa[n], (uint32_t)n);
    }
    if (!n) {
        kfree(pa);
        return shell_error("out of memory (order %llu%s)", order, movable ? ", movable" : "");
    }
    groups[g].id = id;
    groups[g].count = (uint32_t)n;
    groups[g].order = (unsigned)order;
    groups[g].pa = pa;
    plat_printf("alloc id=%u count=%llu order=%llu movable=%d first=0x%llx%s\n", id, (unsigned long long)n,
                order, movable, (unsigned long long)pa[0],
                n < count ? " (out of memory: fewer than asked)" : "");
    return 0;
}
SHELL_COMMAND("alloc", "<count> [order] [movable]", "allocate blocks (freed with free <id>)", cmd_alloc);

static int cmd_free(int argc, char **argv)
{
    unsigned long long id;
    if (argc != 2)
        return shell_error("usage: free <id>");
    if (parse_u(argv[1], &id, "id"))
        return -1;
    for (int g = 0; g < SHELL_GROUPS; g++)
        if (groups[g].pa && groups[g].id == id) {
            for (uint32_t i = 0; i < groups[g].count; i++)
                mm_free_pages(groups[g].pa[i], groups[g].order);
            kfree(groups[g].pa);
            groups[g].pa = NULL;
            plat_printf("free id=%llu\n", id);
            return 0;
        }
    return shell_error("no allocation group %llu", id);
}
SHELL_COMMAND("free", "<id>", "free an allocation group made by alloc", cmd_free);

/* ---- objects ----------------------------------------------------------------------------- */
static int cmd_fill(int argc, char **argv)
{
    unsigned long long mib, node = 0;
    bool movable = true, has_node = false;
    if (argc < 2)
        return shell_error("usage: fill <MiB> [movable|unmovable] [node N]");
    if (parse_u(argv[1], &mib, "size"))
        return -1;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "movable")) {
            movable = true;
        } else if (!strcmp(argv[i], "unmovable")) {
            movable = false;
        } else if (!strcmp(argv[i], "node") && i + 1 < argc) {
            if (parse_u(argv[++i], &node, "node"))
                return -1;
            has_node = true;
        } else {
            return shell_error("unknown argument '%s'", argv[i]);
        }
    }
    if (!mib || mib > 65536 || node >= MAX_NODES)
        return shell_error("size must be 1..65536 MiB and node < %u", MAX_NODES);
    uint32_t id;
    int r = mm_obj_create(mib << 20, movable, has_node ? (int)node : -1, &id);
    if (r)
        return shell_error("fill %llu MiB failed (%d): not enough %s memory", mib, r,
                           movable ? "movable" : "unmovable");
    plat_printf("fill id=%u mib=%llu kind=%s\n", id, mib, movable ? "movable" : "unmovable");
    return 0;
}
SHELL_COMMAND("fill", "<MiB> [movable|unmovable] [node N]",
              "create an object filled with a checksummed pattern", cmd_fill);

static int cmd_check(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    uint32_t bad = 0;
    int n = mm_obj_check_all(&bad);
    if (n)
        return shell_error("check objects=%u bad=%d first_bad=%u", mm_obj_count(), n, bad);
    plat_printf("check objects=%u bad=0\n", mm_obj_count());
    return 0;
}
SHELL_COMMAND("check", "", "verify the checksum of every object", cmd_check);

static int cmd_objects(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    mm_obj_dump();
    return 0;
}
SHELL_COMMAND("objects", "", "list objects made by fill and pin", cmd_objects);

static int cmd_drop(int argc, char **argv)
{
    unsigned long long id;
    if (argc != 2)
        return shell_error("usage: drop <id|all>");
    if (!strcmp(argv[1], "all")) {
        mm_obj_drop_all();
        plat_printf("drop all\n");
        return 0;
    }
    if (parse_u(argv[1], &id, "id"))
        return -1;
    if (mm_obj_drop((uint32_t)id))
        return shell_error("no object %llu", id);
    plat_printf("drop id=%llu\n", id);
    return 0;
}
SHELL_COMMAND("drop", "<id|all>", "free an object (or all)", cmd_drop);

static int cmd_pin(int argc, char **argv)
{
    uint64_t base, size;
    if (argc != 2)
        return shell_error("usage: pin <0xbase|section|0xbase-0xend>");
    if (strchr(argv[1], '-') || !(argv[1][0] == '0' && (argv[1][1] == 'x' || argv[1][1] == 'X'))) {
        if (parse_range(argv[1], &base, &size))
            return -1;
    } else {
        unsigned long long a;
        if (parse_u(argv[1], &a, "address"))
            return -1;
        base = a;
        size = SECTION_SIZE - (a & (SECTION_SIZE - 1));
    }
    uint32_t id;
    if (mm_obj_pin(base, base + size, &id))
        return shell_error("no free page in 0x%llx-0x%llx", (unsigned long long)base,
                           (unsigned long long)(base + size));
    plat_printf("pin id=%u range=0x%llx-0x%llx\n", id, (unsigned long long)base,
                (unsigned long long)(base + size));
    return 0;
}
SHELL_COMMAND("pin", "<0xbase|section|0xbase-0xend>", "test aid: pin an unmovable page inside a range",
              cmd_pin);

/* ---- offline / online -------------------------------------------------------------------- */
static const char *err_name(int r)
{
    switch (r) {
    case MM_ETIMEDOUT:
        return "timed out";
    case MM_ENOMEM:
        return "no memory to migrate to";
    case MM_EBUSY:
        return "busy";
    case MM_EINVAL:
        return "invalid range";
    default:
        return "error";
    }
}

static int cmd_offline(int argc, char **argv)
{
    uint64_t base, size;
    if (argc != 2)
        return shell_error("usage: offline <section index|0xbase-0xend>");
    if (parse_range(argv[1], &base, &size))
        return -1;
    struct mm_offline_report rep;
    int r = mm_offline_range(base, size, &rep);
    if (r)
        return shell_error("0x%llx-0x%llx failed (%d, %s): frame 0x%llx (pa 0x%llx) owned by %s cookie 0x%x",
                           (unsigned long long)base, (unsigned long long)(base + size), r, err_name(r),
                           (unsigned long long)rep.block_pfn, (unsigned long long)rep.block_pfn << PAGE_SHIFT,
                           rep.owner_name, rep.block_cookie);
    plat_printf("offline ok range=0x%llx-0x%llx free=%llu migrated=%llu waited=%llu us=%llu hold_us=%llu "
                "holds=%llu holds_over_aim=%llu p99_hold_us=%llu\n",
                (unsigned long long)base, (unsigned long long)(base + size),
                (unsigned long long)rep.pages_free, (unsigned long long)rep.pages_migrated,
                (unsigned long long)rep.pages_waited, (unsigned long long)(rep.elapsed_ns / 1000),
                (unsigned long long)(rep.max_hold_ns / 1000), (unsigned long long)rep.holds,
                (unsigned long long)rep.holds_over_aim, (unsigned long long)(rep.p99_hold_ns / 1000));
    return 0;
}
SHELL_COMMAND("offline", "<section index|0xbase-0xend>", "offline memory (migrating movable pages)",
              cmd_offline);

static int cmd_online(int argc, char **argv)
{
    uint64_t base, size;
    if (argc != 2)
        return shell_error("usage: online <section index|0xbase-0xend>");
    if (parse_range(argv[1], &base, &size))
        return -1;
    int r = mm_online_range(base, size);
    if (r)
        return shell_error("0x%llx-0x%llx failed (%d)", (unsigned long long)base,
                           (unsigned long long)(base + size), r);
    plat_printf("online ok range=0x%llx-0x%llx\n", (unsigned long long)base,
                (unsigned long long)(base + size));
    return 0;
}
SHELL_COMMAND("online", "<section index|0xbase-0xend>", "online offline memory", cmd_online);

static int cmd_offline_timeout(int argc, char **argv)
{
    unsigned long long ms, dl;
    if (argc == 2 || argc == 3) {
        if (parse_u(argv[1], &ms, "milliseconds") || (argc == 3 && parse_u(argv[2], &dl, "milliseconds")))
            return -1;
        if (ms > 600000 || (argc == 3 && dl > 600000))
            return shell_error("timeout and deadline must be <= 600000 ms");
        mm_set_offline_timeout_ms(ms);
        if (argc == 3)
            mm_set_offline_deadline_ms(dl);
    } else if (argc != 1) {
        return shell_error("usage: offline-timeout [ms [deadline-ms]]");
    }
    plat_printf("offline-timeout ms=%llu deadline_ms=%llu\n", (unsigned long long)mm_offline_timeout_ms(),
                (unsigned long long)mm_offline_deadline_ms());
    return 0;
}
SHELL_COMMAND("offline-timeout", "[ms [deadline-ms]]",
              "show or set how long offline waits for unmovable pages, and the deadline of a whole offline "
              "(checked while migrating)",
              cmd_offline_timeout);

static int cmd_mmverify(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (mm_verify())
        return shell_error("mmverify: inconsistencies found (see log)");
    plat_printf("mmverify ok\n");
    return 0;
}
SHELL_COMMAND("mmverify", "", "cross-check free lists, frame database and counters", cmd_mmverify);

static int cmd_mmcounters(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    mm_dump_counters();
    return 0;
}
SHELL_COMMAND("mmcounters", "", "memory manager failure counters", cmd_mmcounters);
