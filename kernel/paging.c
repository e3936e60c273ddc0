/* paging.c - the kernel's page tables: the image at -2 GiB with per-section permissions and a
 * stack guard page, the direct map (NX) at DIRECT_MAP_BASE, and 4 KiB mappings in the vmap area.
 * Page-table pages come from a static pool until the buddy allocator takes over.
 *
 * The direct map of the first 4 GiB follows the memory map, never one write-back block: RAM
 * (and ACPI reclaim/NVS memory) write-back; everything else there (reserved ranges, the legacy
 * VGA/ROM area, the PCI and ECAM windows, the LAPIC, I/O APIC and HPET) uncached (PCD|PWT); the
 * kernel's text and read-only data read-only (their direct-map alias is not writable either).
 * 2 MiB pages where a whole 2 MiB is one kind, 4 KiB pages where it is mixed. Memory above 4 GiB
 * is mapped on demand: RAM write-back (paging_map_direct), device registers - the 64-bit PCI BARs
 * that OVMF places there - uncached (paging_map_mmio). The tables are changed under
 * mm_lock (platform.h LOCK ORDER: page-table pages come from the buddy allocator, so the tables
 * belong to the memory manager's lock). */
#include <string.h>
#include "kernel/arch.h"
#include "kernel/kernel.h"
#include "kernel/percpu.h"
#include "kernel/proc.h"
#include "mm/memmap.h"
#include "mm/mm.h"

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_UC (PTE_PCD | PTE_PWT) /* with the power-on PAT: uncached */
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_NX (1ull << 63)
#define PTE_MIGRATING (1ull << 9) /* software bit in a non-present PTE: a migration entry */
#define PTE_ADDR 0x000ffffffffff000ull
#define EARLY_POOL_PAGES 256 /* 1 MiB: image tables + direct map of ~200 GiB before the buddy runs */

extern char kernel_stack_guard[];
static uint8_t early_pool[EARLY_POOL_PAGES][4096] __attribute__((aligned(4096)));
static int early_used;
static uint64_t (*table_alloc)(void);
static void (*table_free)(uint64_t pa);
static uint64_t *pml4;
uint64_t paging_tables_allocated;
uint64_t paging_table_alloc_fails, paging_map_undos;
/* Fault injection, inert unless armed (shell: failinject pt N): the N'th page-table page that a
 * paging_map_direct allocates from now fails (0 = the next one); -1 = never. */
int64_t paging_fail_table_at = -1;
static bool direct_mapping; /* paging_map_direct_locked is running (what the injection counts) */

/* Physical address of a kernel image or direct-map virtual address. */
static uint64_t kva_to_pa(const void *p)
{
    uint64_t va = (uint64_t)p;
    return va >= KERNEL_VMA ? va - KERNEL_VMA : va - DIRECT_MAP_BASE;
}

/* A zeroed page for a page table: from the early pool, or from the allocator set later. */
uint64_t paging_alloc_table(void)
{
    uint64_t pa;
    if (direct_mapping && paging_fail_table_at >= 0 && paging_fail_table_at-- == 0) {
        paging_table_alloc_fails++;
        return 0; /* injected (shell: failinject pt N) */
    }
    if (table_alloc) {
        pa = table_alloc();
        if (!pa) {
            paging_table_alloc_fails++;
            return 0;
        }
        memset(phys_to_virt(pa), 0, 4096);
    } else {
        if (early_used == EARLY_POOL_PAGES)
            return 0;
        pa = kva_to_pa(early_pool[early_used++]);
    }
    paging_tables_allocated++;
    return pa;
}

/* From now on page-table pages come from alloc (a physical address or 0) and go back to free. */
void paging_set_table_allocator(uint64_t (*alloc)(void), void (*free)(uint64_t pa))
{
    table_alloc = alloc;
    table_free = free;
}

/* Give back a page-table page that holds no entry (early-pool pages stay with the image). */
static void release_table(uint64_t pa)
{
    uint64_t pool = kva_to_pa(early_pool);
    if (table_free && (pa < pool || pa >= pool + sizeof early_pool)) {
        table_free(pa);
        paging_tables_allocated--;
    }
}

/* Is the page table at pa empty? */
static bool table_empty(uint64_t pa)
{
    const uint64_t *t = phys_to_virt(pa);
    for (int i = 0; i < 512; i++)
        if (t[i])
            return false;
    return true;
}

/* Is pa one of the early pool's pages (so the buddy allocator must keep it reserved)? */
bool paging_early_pool_range(uint64_t *pa, uint64_t *len)
{
    *pa = kva_to_pa(early_pool);
    *len = sizeof early_pool;
    return true;
}

/* The table entry for va at level (3 = PML4 entry ... 0 = PT entry), creating tables on the way
 * if create; NULL if missing or a large page sits above. */
static uint64_t *walk(uint64_t va, int level, bool create)
{
    uint64_t *table = pml4;
    for (int l = 3; l > level; l--) {
        uint64_t *e = &table[(va >> (12 + 9 * l)) & 511];
        if (!(*e & PTE_P)) {
            if (!create)
                return NULL;
            uint64_t pa = paging_alloc_table();
            if (!pa)
                return NULL;
            *e = pa | PTE_P | PTE_W;
        } else if (*e & PTE_PS) {
            return NULL;
        }
        table = phys_to_virt(*e & PTE_ADDR);
    }
    return &table[(va >> (12 + 9 * level)) & 511];
}

/* Free the page directories unhooked by unhook_direct_range (chained through their entry 0),
 * once every CPU has flushed: no TLB or paging-structure cache can still reach them. */
static void free_unhooked(uint64_t unhooked)
{
    while (unhooked) {
        uint64_t pd = unhooked;
        unhooked = *(uint64_t *)phys_to_virt(pd);
        *(uint64_t *)phys_to_virt(pd) = 0;
        release_table(pd);
    }
}

/* Clear the direct map's 2 MiB entries in [start, end) (none if !clear: a failed map wrote none)
 * and unhook the page directories that became empty; the chain of them (0: none), to be freed by
 * free_unhooked after the range's TLB shootdown. */
static uint64_t unhook_direct_range(uint64_t start, uint64_t end, bool clear)
{
    const uint64_t gib = 1ull << 30;
    uint64_t unhooked = 0; /* unhooked directories, chained through their entry 0 (not present) */
    for (uint64_t a = start; a < end; a += SUBSECTION_SIZE) {
        uint64_t *e = walk(DIRECT_MAP_BASE + a, 1, false);
        if (clear && e && (*e & PTE_PS))
            *e = 0;
        if (((a + SUBSECTION_SIZE) & (gib - 1)) && a + SUBSECTION_SIZE < end)
            continue; /* not the last 2 MiB of this directory in the range */
        uint64_t *pdpte = walk(DIRECT_MAP_BASE + a, 2, false);
        if (pdpte && (*pdpte & PTE_P) && !(*pdpte & PTE_PS) && table_empty(*pdpte & PTE_ADDR)) {
            uint64_t *pd = phys_to_virt(*pdpte & PTE_ADDR);
            *pdpte = 0;
            pd[0] = unhooked;
            unhooked = kva_to_pa(pd);
        }
    }
    return unhooked;
}

/* unhook_direct_range, the shootdown, free_unhooked: all under mm_lock. */
static void unmap_direct_range(uint64_t start, uint64_t end, bool clear)
{
    uint64_t unhooked = unhook_direct_range(start, end, clear);
    tlb_shootdown(DIRECT_MAP_BASE + start, (end - start) / SUBSECTION_SIZE, SUBSECTION_SIZE);
    free_unhooked(unhooked);
}

/* Map [pa, pa+len) at DIRECT_MAP_BASE+pa with 2 MiB pages (rounded out to 2 MiB) with cache bits
 * attr (0: write-back, for RAM; PTE_UC for device registers);
 * a 2 MiB already mapped (e.g. split into 4 KiB pages by paging_init) is left as it is. First the
 * page directories (one walk per GiB), the only step that can fail: then the directories that are
 * still empty are freed again (no entry was written yet) and the direct map is as it was. Then
 * one pass writes the entries, so a terabyte costs 1024 walks and one write per 2 MiB. */
static int paging_map_direct_locked(uint64_t pa, uint64_t len, uint64_t attr)
{
    const uint64_t gib = 1ull << 30;
    uint64_t start = pa & ~(SUBSECTION_SIZE - 1),
             end = (pa + len + SUBSECTION_SIZE - 1) & ~(SUBSECTION_SIZE - 1);
    direct_mapping = true;
    for (uint64_t a = start; a < end; a = (a | (gib - 1)) + 1)
        if (!walk(DIRECT_MAP_BASE + a, 1, true)) {
            direct_mapping = false;
            paging_map_undos++;
            plat_log(LOG_ERR, "paging",
                     "direct map 0x%llx-0x%llx: no page for a page directory at 0x%llx: undone",
                     (unsigned long long)start, (unsigned long long)end, (unsigned long long)a);
            unmap_direct_range(start, a, false);
            return -1;
        }
    direct_mapping = false;
    for (uint64_t a = start; a < end;) {
        uint64_t *e = walk(DIRECT_MAP_BASE + a, 1, false);
        do {
            if (!(*e & PTE_P))
                *e = a | PTE_P | PTE_W | PTE_PS | PTE_G | PTE_NX | attr;
            e++;
            a += SUBSECTION_SIZE;
        } while (a < end && (a & (gib - 1)));
    }
    return 0;
}

/* Does the memory map call [pa, pa+len) memory the CPU may cache (RAM, ACPI reclaim, ACPI NVS)?
 * Everything else, holes included, is treated as MMIO. */
static bool cacheable(uint64_t pa, uint64_t len)
{
    return memmap_is_type(&memmap_boot, pa, len, MEMMAP_RAM) ||
           memmap_is_type(&memmap_boot, pa, len, MEMMAP_ACPI_RECLAIM) ||
           memmap_is_type(&memmap_boot, pa, len, MEMMAP_ACPI_NVS);
}

/* Does any cacheable range of the memory map overlap [pa, pa+len)? */
static bool touches_cacheable(uint64_t pa, uint64_t len)
{
    for (unsigned i = 0; i < memmap_boot.n; i++) {
        const struct memmap_range *r = &memmap_boot.r[i];
        if ((r->type == MEMMAP_RAM || r->type == MEMMAP_ACPI_RECLAIM || r->type == MEMMAP_ACPI_NVS) &&
            r->base < pa + len && pa < r->base + r->len)
            return true;
    }
    return false;
}

/* The direct-map entry bits for the 4 KiB page at pa (below 4 GiB). */
static uint64_t low_page_bits(uint64_t pa)
{
    uint64_t bits = PTE_P | PTE_G | PTE_NX;
    if (!(pa >= KERNEL_PHYS(__text_start) && pa < KERNEL_PHYS(__rodata_end)))
        bits |= PTE_W; /* the kernel's text and rodata: read-only here too */
    return bits | (cacheable(pa, 4096) ? 0 : PTE_UC);
}

/* Direct-map the first 4 GiB by the memory map (see the top of this file). */
static void map_low_4g(void)
{
    for (uint64_t a = 0; a < (4ull << 30); a += SUBSECTION_SIZE) {
        uint64_t *e = walk(DIRECT_MAP_BASE + a, 1, true);
        if (!e)
            panic("paging: out of early page tables for the direct map");
        bool image = a < KERNEL_PHYS(__rodata_end) && KERNEL_PHYS(__text_start) < a + SUBSECTION_SIZE;
        bool ram = cacheable(a, SUBSECTION_SIZE);
        if (!image && (ram || !touches_cacheable(a, SUBSECTION_SIZE))) {
            *e = a | PTE_P | PTE_W | PTE_PS | PTE_G | PTE_NX | (ram ? 0 : PTE_UC);
            continue;
        }
        for (uint64_t p = a; p < a + SUBSECTION_SIZE; p += 4096) {
            uint64_t *pte = walk(DIRECT_MAP_BASE + p, 0, true);
            if (!pte)
                panic("paging: out of early page tables for the direct map");
            *pte = p | low_page_bits(p);
        }
    }
}

/* Remove [pa, pa+len) from the direct map, flush those TLB entries, and free the page
 * directories that became empty (so removing memory gives back the tables that mapped it). */
static void paging_unmap_direct_locked(uint64_t pa, uint64_t len)
{
    unmap_direct_range(pa & ~(SUBSECTION_SIZE - 1), (pa + len + SUBSECTION_SIZE - 1) & ~(SUBSECTION_SIZE - 1),
                       true);
}

/* Map one 4 KiB page va -> pa (NX unless exec), replacing any mapping; flush it. */
static int paging_map_page_locked(uint64_t va, uint64_t pa, bool writable, bool exec)
{
    uint64_t *e = walk(va, 0, true);
    if (!e)
        return -1;
    bool was = *e & PTE_P;
    *e = (pa & PTE_ADDR) | PTE_P | (writable ? PTE_W : 0) | (exec ? 0 : PTE_NX) | PTE_G;
    if (was)
        tlb_shootdown(va, 1, PAGE_SIZE);
    else
        invlpg(va);
    return 0;
}

/* Remove the 4 KiB mapping at va and flush it. */
static void paging_unmap_page_locked(uint64_t va)
{
    uint64_t *e = walk(va, 0, false);
    if (e) {
        bool was = *e & PTE_P;
        *e = 0;
        if (was)
            tlb_shootdown(va, 1, PAGE_SIZE);
    }
}

/* Remove the n 4 KiB mappings from va (their pages in pas[], also those of migration entries: a
 * page being migrated is freed by its owner all the same) with one TLB shootdown on the CPUs of
 * mask. */
static void paging_unmap_pages_locked(uint64_t va, uint64_t n, uint64_t *pas, uint64_t mask)
{
    for (uint64_t i = 0; i < n; i++) {
        uint64_t *e = walk(va + i * PAGE_SIZE, 0, false);
        pas[i] = e && (*e & (PTE_P | PTE_MIGRATING)) ? *e & PTE_ADDR : 0;
        if (e)
            *e = 0;
    }
    tlb_shootdown_mask(va, n, PAGE_SIZE, mask);
}

/* Make the 4 KiB mapping at va a migration entry (not present, its page kept in the entry) and
 * shoot it down on every CPU: from now on a CPU touching va waits in its page fault handler
 * (paging_migration_wait) until paging_map_page maps va again. */
static int paging_set_migrating_locked(uint64_t va, uint64_t mask)
{
    uint64_t *e = walk(va, 0, false);
    if (!e || !(*e & PTE_P))
        return -1;
    *e = (*e & PTE_ADDR) | PTE_MIGRATING;
    tlb_shootdown_mask(va, 1, PAGE_SIZE, mask);
    return 0;
}

uint64_t paging_migration_waits;

/* Not-present page fault at va: if its entry is a migration entry, wait (interrupts off,
 * answering cross-calls) until it is mapped again and return true; also true if the entry is
 * present already (the migration ended between the fault and this look); false for any other
 * fault. The tables of the areas that use migration entries are never freed, so they are
 * walked without a lock. */
bool paging_migration_wait(uint64_t va)
{
    volatile uint64_t *e = walk(va & ~(PAGE_SIZE - 1), 0, false);
    /* One read of the entry: it goes present -> migrating -> present, each a single store, so
     * reading it twice could see "not present" and then "not migrating" (remapped in between)
     * and take a finished migration for a bad access. */
    uint64_t v = e ? *e : 0;
    if (v & PTE_P) {
        __atomic_add_fetch(&paging_migration_waits, 1, __ATOMIC_RELAXED);
        return true;
    }
    if (!(v & PTE_MIGRATING))
        return false;
    __atomic_add_fetch(&paging_migration_waits, 1, __ATOMIC_RELAXED);
    while (!(*e & PTE_P)) {
        ipi_run_pending();
        cpu_pause();
    }
    return true;
}

/* The kernel's PML4; on the first call every upper-half entry gets its table, so that the upper
 * half copied into a process's PML4 (kernel/uvm.c) never misses a later kernel mapping. */
uint64_t paging_kernel_pml4(void)
{
    static volatile bool filled;
    if (!filled) { /* at boot (proc_init); later calls come from the scheduler, interrupts off */
        unsigned long irq = mm_lock_irqsave();
        for (int i = 256; i < 512; i++)
            if (!(pml4[i] & PTE_P)) {
                uint64_t pa = paging_alloc_table();
                if (!pa)
                    panic("paging: no page for the kernel half's table %d", i);
                pml4[i] = pa | PTE_P | PTE_W;
            }
        filled = true;
        mm_unlock_irqrestore(irq);
    }
    return kva_to_pa(pml4);
}

/* Physical address mapped at va, or ~0. */
uint64_t paging_virt_to_phys(uint64_t va)
{
    uint64_t *table = phys_to_virt(read_cr3() & PTE_ADDR);
    for (int l = 3; l >= 0; l--) {
        uint64_t e = table[(va >> (12 + 9 * l)) & 511];
        if (!(e & PTE_P))
            return ~0ull;
        if (l == 0 || (e & PTE_PS)) {
            uint64_t mask = (1ull << (12 + 9 * l)) - 1;
            return (e & PTE_ADDR & ~mask) | (va & mask);
        }
        table = phys_to_virt(e & PTE_ADDR);
    }
    return ~0ull;
}

/* Map [start, end) of the image with the given permissions, 4 KiB at a time. */
static void map_image(char *start, char *end, bool writable, bool exec)
{
    for (uint64_t va = (uint64_t)start; va < (uint64_t)end; va += 4096) {
        if (va == (uint64_t)kernel_stack_guard)
            continue;
        if (paging_map_page(va, va - KERNEL_VMA, writable, exec))
            panic("paging: out of early page tables mapping the kernel image");
    }
}

/* Build the kernel's own tables (the boot tables' identity map goes away) and switch to them. */
void paging_init(void)
{
    pml4 = phys_to_virt(paging_alloc_table());
    map_image(__text_start, __text_end, false, true);
    map_image(__rodata_start, __rodata_end, false, false);
    map_image(__data_start, __kernel_end, true, false);
    map_low_4g();
    write_cr3(kva_to_pa(pml4));
    plat_log(LOG_INFO, "paging", "kernel 0x%llx-0x%llx (text RX, rodata R, data RW NX), guard page at %p",
             (unsigned long long)KERNEL_PHYS(__text_start), (unsigned long long)KERNEL_PHYS(__kernel_end),
             (void *)kernel_stack_guard);
}

/* ---- the public entry points: each runs its _locked body under mm_lock ---- */

/* paging_map_direct (kernel.h) under mm_lock. */
int paging_map_direct(uint64_t pa, uint64_t len)
{
    int r;
    MM_WITH_LOCK(r = paging_map_direct_locked(pa, len, 0));
    return r;
}

/* paging_map_mmio (kernel.h): paging_map_direct with uncached entries. */
int paging_map_mmio(uint64_t pa, uint64_t len)
{
    int r;
    MM_WITH_LOCK(r = paging_map_direct_locked(pa, len, PTE_UC));
    return r;
}

/* paging_unmap_direct (kernel.h): the entries go under mm_lock; a caller that does not hold it
 * has the shootdown waited for without it (interrupts on), then the directories freed under it. */
void paging_unmap_direct(uint64_t pa, uint64_t len)
{
    if (plat_spin_held(&mm_lock)) {
        paging_unmap_direct_locked(pa, len);
        return;
    }
    uint64_t start = pa & ~(SUBSECTION_SIZE - 1),
             end = (pa + len + SUBSECTION_SIZE - 1) & ~(SUBSECTION_SIZE - 1);
    uint64_t unhooked;
    MM_WITH_LOCK(unhooked = unhook_direct_range(start, end, true));
    plat_preempt_disable(); /* this CPU's flush and the cross-call to the others, on one CPU */
    tlb_shootdown(DIRECT_MAP_BASE + start, (end - start) / SUBSECTION_SIZE, SUBSECTION_SIZE);
    plat_preempt_enable();
    MM_WITH_LOCK(free_unhooked(unhooked));
}

/* paging_map_page (kernel.h) under mm_lock. */
int paging_map_page(uint64_t va, uint64_t pa, bool writable, bool exec)
{
    int r;
    MM_WITH_LOCK(r = paging_map_page_locked(va, pa, writable, exec));
    return r;
}

/* paging_unmap_page (kernel.h) under mm_lock. */
void paging_unmap_page(uint64_t va)
{
    MM_WITH_LOCK(paging_unmap_page_locked(va));
}

/* paging_set_migrating (kernel.h) under mm_lock. */
int paging_set_migrating(uint64_t va, uint64_t mask)
{
    int r;
    MM_WITH_LOCK(r = paging_set_migrating_locked(va, mask));
    return r;
}

/* paging_unmap_pages (kernel.h) under mm_lock. */
void paging_unmap_pages(uint64_t va, uint64_t n, uint64_t *pas, uint64_t mask)
{
    MM_WITH_LOCK(paging_unmap_pages_locked(va, n, pas, mask));
}
