/* uvm.c - user address spaces: page tables of the lower half, vmas, demand paging from the
 * movable zone of the process's node, shared anonymous objects, and the reverse-map callbacks
 * that let the memory manager migrate user pages (mm/rmap.c).
 *
 * A user PTE is one of: 0 (never touched: the next access faults the page in), present (a user
 * page; the rmap holds (proc, va)), or a migration entry (not present, PTE_MIG set, the old page
 * kept in it) between the isolate and remap callbacks. Page tables, vmas and PTEs change only
 * under mm_lock; the table pages (owner page-table, normal zone) stay until the process exits,
 * so a faulting CPU may read a PTE without the lock while it waits for a migration. */
#include <stdio.h>
#include <string.h>
#include "kernel/arch.h"
#include "kernel/kernel.h"
#include "kernel/percpu.h"
#include "kernel/proc.h"

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_MIG (1ull << 9)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

static void proc_isolate(void *holder, uint64_t va);
static void proc_remap(void *holder, uint64_t va, uint64_t new_pa);
static void shm_isolate(void *holder, uint64_t idx);
static void shm_remap(void *holder, uint64_t idx, uint64_t new_pa);
static void shm_describe(void *holder, char *buf, size_t n);
static uint64_t proc_id(void *holder)
{
    return ((struct proc *)holder)->pid;
}
static uint64_t shm_id(void *holder)
{
    return ((struct shm *)holder)->key;
}
static const struct mm_rmap_ops proc_ops = {proc_isolate, proc_remap, proc_describe, proc_id};
static const struct mm_rmap_ops shm_ops = {shm_isolate, shm_remap, shm_describe, shm_id};
static struct shm *shms[SHM_MAX];

/* The PTE of va in p's tables (creating tables if create); NULL if absent. mm_lock held when
 * creating. */
static uint64_t *upte(const struct proc *p, uint64_t va, bool create)
{
    uint64_t *t = phys_to_virt(p->pml4);
    for (int l = 3; l > 0; l--) {
        uint64_t *e = &t[(va >> (12 + 9 * l)) & 511];
        if (!(*e & PTE_P)) {
            uint64_t pa = create ? mm_alloc_pages_owner(0, MM_ZERO, MM_OWN_PAGETABLE, p->pid) : 0;
            if (!pa)
                return NULL;
            *e = pa | PTE_P | PTE_W | PTE_U;
        }
        t = phys_to_virt(*e & PTE_ADDR);
    }
    return &t[(va >> 12) & 511];
}

/* The leaf entry for a user page at pa with prot. */
static uint64_t leaf(uint64_t pa, unsigned prot)
{
    return pa | PTE_P | PTE_U | (prot & PROT_WRITE ? PTE_W : 0) | (prot & PROT_EXEC ? 0 : PTE_NX);
}

/* rmap: p's mapping of va becomes a migration entry, flushed on every CPU that ran p. */
static void proc_isolate(void *holder, uint64_t va)
{
    struct proc *p = holder;
    uint64_t *e = upte(p, va, false);
    if (e && (*e & PTE_P)) {
        *e = (*e & ~PTE_P) | PTE_MIG;
        tlb_shootdown_mask(va, 1, PAGE_SIZE, p->cpus);
    }
}

/* rmap: p's mapping of va now points at new_pa (not cached anywhere: it was not present). */
static void proc_remap(void *holder, uint64_t va, uint64_t new_pa)
{
    struct proc *p = holder;
    uint64_t *e = upte(p, va, false);
    if (e && (*e & (PTE_P | PTE_MIG)))
        __atomic_store_n(e, ((*e & ~(PTE_ADDR | PTE_MIG)) | new_pa | PTE_P), __ATOMIC_RELEASE);
}

/* rmap: the shared object's own reference needs no isolation (no CPU reaches the page by it). */
static void shm_isolate(void *holder, uint64_t idx)
{
    (void)holder, (void)idx;
}

static void shm_remap(void *holder, uint64_t idx, uint64_t new_pa)
{
    ((struct shm *)holder)->pa[idx] = new_pa;
}

static void shm_describe(void *holder, char *buf, size_t n)
{
    snprintf(buf, n, "shm=%llu", (unsigned long long)((struct shm *)holder)->key);
}

/* The vma of p containing va, or NULL. */
static struct vma *vma_find(struct proc *p, uint64_t va)
{
    for (struct vma *v = p->vmas; v; v = v->next)
        if (va >= v->start && va < v->end)
            return v;
    return NULL;
}

/* A new address space for p: an empty lower half and the kernel's upper half. */
int uvm_create(struct proc *p)
{
    uint64_t kpml4 = paging_kernel_pml4();
    p->pml4 = mm_alloc_pages_owner(0, MM_ZERO, MM_OWN_PAGETABLE, p->pid);
    if (!p->pml4)
        return MM_ENOMEM;
    memcpy((uint64_t *)phys_to_virt(p->pml4) + 256, (uint64_t *)phys_to_virt(kpml4) + 256, 256 * 8);
    p->vmas = NULL;
    p->mmap_next = USER_MMAP_BASE;
    return 0;
}

/* Map [va, va+len) with prot (pages come on first touch); shm takes a reference. */
int uvm_map(struct proc *p, uint64_t va, uint64_t len, unsigned prot, struct shm *shm)
{
    if ((va | len) & (PAGE_SIZE - 1) || !len || va + len > USER_TOP || va + len < va)
        return MM_EINVAL;
    struct vma *v = plat_alloc(sizeof *v);
    if (!v)
        return MM_ENOMEM;
    *v = (struct vma){va, va + len, prot, shm, NULL};
    int r = 0;
    unsigned long irq = mm_lock_irqsave();
    for (struct vma *o = p->vmas; o; o = o->next)
        if (va < o->end && o->start < va + len)
            r = MM_EEXIST;
    if (!r) {
        v->next = p->vmas; /* the vma owns the caller's reference to shm */
        p->vmas = v;
    }
    mm_unlock_irqrestore(irq);
    if (r)
        plat_free(v);
    return r;
}

/* Drop p's mapping of va (mm_lock held): unmap, forget the rmap entry, free an orphan page (a
 * migration entry too: its page is being copied, and the offline drops the copy). */
static void unmap_page_locked(struct proc *p, uint64_t va)
{
    uint64_t *e = upte(p, va, false);
    if (!e || !(*e & (PTE_P | PTE_MIG)))
        return;
    uint64_t pa = *e & PTE_ADDR;
    *e = 0;
    invlpg(va); /* only p's own CPU runs p, and it is here in the kernel */
    if (mm_rmap_remove(pa, p, va) == 0)
        mm_user_page_free(pa);
}

/* Does a pin of p overlap [va, end)? */
static bool pinned(const struct proc *p, uint64_t va, uint64_t end)
{
    for (int i = 0; i < PIN_MAX; i++)
        if (p->pins[i].npages && va < p->pins[i].va + p->pins[i].npages * PAGE_SIZE && p->pins[i].va < end)
            return true;
    return false;
}

/* Unmap the vma exactly covering [va, va+len) (whole vmas only). */
int uvm_unmap(struct proc *p, uint64_t va, uint64_t len)
{
    unsigned long irq = mm_lock_irqsave();
    struct vma **pp = &p->vmas;
    while (*pp && !((*pp)->start == va && (*pp)->end == va + len))
        pp = &(*pp)->next;
    struct vma *v = *pp;
    if (!v || pinned(p, va, va + len)) {
        mm_unlock_irqrestore(irq);
        return v ? MM_EBUSY : MM_ENOENT;
    }
    *pp = v->next;
    for (uint64_t a = v->start; a < v->end; a += PAGE_SIZE) {
        unmap_page_locked(p, a);
        if ((a & (SUBSECTION_SIZE - 1)) == SUBSECTION_SIZE - PAGE_SIZE) { /* let others in */
            mm_unlock_irqrestore(irq);
            irq = mm_lock_irqsave();
        }
    }
    mm_unlock_irqrestore(irq);
    if (v->shm)
        shm_put(v->shm);
    plat_free(v);
    return 0;
}

/* Free the page tables below table pa at level (3 = PML4: the lower half only). */
static void free_tables(uint64_t pa, int level)
{
    uint64_t *t = phys_to_virt(pa);
    for (int i = 0; i < (level == 3 ? 256 : 512) && level > 0; i++)
        if (t[i] & PTE_P)
            free_tables(t[i] & PTE_ADDR, level - 1);
    mm_free_pages(pa, 0);
}

/* Tear down p's address space (p's own thread, running on the kernel's tables). */
void uvm_destroy(struct proc *p)
{
    while (p->vmas)
        uvm_unmap(p, p->vmas->start, p->vmas->end - p->vmas->start);
    free_tables(p->pml4, 3);
    p->pml4 = 0;
}

/* Record a stall of p that began at t0 (a fault on a page being migrated). */
static void stall(struct proc *p, uint64_t t0)
{
    uint64_t dt = plat_now_ns() - t0;
    p->migration_waits++;
    if (dt > p->stall_max_ns)
        p->stall_max_ns = dt;
}

/* Wait (interrupts on) until a migration entry is mapped again. */
static void migration_wait(volatile uint64_t *e)
{
    while (!(__atomic_load_n(e, __ATOMIC_ACQUIRE) & PTE_P))
        cpu_pause();
}

/* The page for (vma v, va): a shared object's page (created on first touch) or a new one. */
static uint64_t fault_page_locked(struct proc *p, struct vma *v, uint64_t va)
{
    if (!v->shm)
        return mm_user_page_alloc(p->node, &proc_ops, p, va);
    struct shm *s = v->shm;
    uint64_t idx = (va - v->start) >> PAGE_SHIFT;
    if (idx >= s->npages)
        return 0;
    if (!s->pa[idx] && !(s->pa[idx] = mm_user_page_alloc(s->node, &shm_ops, s, idx)))
        return 0;
    return mm_rmap_add(s->pa[idx], &proc_ops, p, va) ? 0 : s->pa[idx];
}

/* Resolve a fault of p at va. Called with interrupts on and preemption off. */
int uvm_fault(struct proc *p, uint64_t va, uint64_t err, const char **why)
{
    va &= ~(PAGE_SIZE - 1);
    if (va >= USER_TOP) {
        *why = "kernel address";
        return MM_EINVAL;
    }
    p->faults++;
    uint64_t t0 = plat_now_ns();
    /* Lockless first look (p's tables are freed only by p's own exit): a migration entry means
     * the page is being copied right now; wait for it to be mapped again. */
    uint64_t *e = upte(p, va, false);
    if (e && (__atomic_load_n(e, __ATOMIC_ACQUIRE) & PTE_MIG)) {
        migration_wait(e);
        stall(p, t0);
        return 0;
    }
    unsigned long irq = mm_lock_irqsave();
    e = upte(p, va, false);
    if (e && (*e & PTE_P) && !(err & 1)) { /* mapped meanwhile: a migration finished under mm_lock */
        mm_unlock_irqrestore(irq);
        stall(p, t0);
        return 0;
    }
    struct vma *v = vma_find(p, va);
    int r = 0;
    *why = NULL;
    if (!v)
        *why = "no mapping";
    else if ((err & 2) && !(v->prot & PROT_WRITE))
        *why = "write to a read-only mapping";
    else if ((err & 16) && !(v->prot & PROT_EXEC))
        *why = "execute in a no-exec mapping";
    else if (!v->prot)
        *why = "access to a PROT_NONE mapping";
    if (*why) {
        r = MM_EINVAL;
    } else if (!e || !(*e & PTE_P)) {
        uint64_t pa = fault_page_locked(p, v, va);
        e = pa ? upte(p, va, true) : NULL;
        if (e && mm_rmap_isolated(pa)) { /* a shared page being migrated: wait like the others */
            *e = (leaf(pa, v->prot) & ~PTE_P) | PTE_MIG;
        } else if (e) {
            *e = leaf(pa, v->prot);
        } else {
            if (pa && mm_rmap_remove(pa, p, va) == 0)
                mm_user_page_free(pa);
            *why = "out of memory";
            r = MM_ENOMEM;
        }
    }
    mm_unlock_irqrestore(irq);
    return r;
}

/* Fault in every page of [va, va+len) the way an access would. */
int uvm_prefault(struct proc *p, uint64_t va, uint64_t len, bool write)
{
    if (va + len < va || va + len > USER_TOP)
        return MM_EINVAL;
    for (uint64_t a = va & ~(PAGE_SIZE - 1); a < va + len; a += PAGE_SIZE) {
        const char *why;
        if (uvm_fault(p, a, write ? 2 : 0, &why))
            return MM_EINVAL;
    }
    return 0;
}

/* Take mm_lock once no page of p in [va, va + n pages) is being migrated (their migrations are
 * waited out without the lock); the irq state. */
unsigned long uvm_lock_settled(struct proc *p, uint64_t va, uint64_t n)
{
    for (;;) {
        unsigned long irq = mm_lock_irqsave();
        uint64_t *mig = NULL;
        for (uint64_t i = 0; i < n && !mig; i++) {
            uint64_t *e = upte(p, va + i * PAGE_SIZE, false);
            mig = e && (*e & PTE_MIG) ? e : NULL;
        }
        if (!mig)
            return irq;
        mm_unlock_irqrestore(irq);
        migration_wait(mig);
    }
}

/* The page mapped at va, or 0. */
uint64_t uvm_pa(struct proc *p, uint64_t va)
{
    uint64_t pa = 0;
    MM_WITH_LOCK(uint64_t *e = upte(p, va, false); if (e && (*e & PTE_P)) pa = *e & PTE_ADDR);
    return pa;
}

/* Count p's resident pages by node and zone. */
void uvm_resident(struct proc *p, uint64_t res[MAX_NODES][MM_NR_ZONES])
{
    memset(res, 0, sizeof(uint64_t) * MAX_NODES * MM_NR_ZONES);
    unsigned long irq = mm_lock_irqsave();
    for (struct vma *v = p->pml4 ? p->vmas : NULL; v; v = v->next)
        for (uint64_t a = v->start; a < v->end; a += PAGE_SIZE) {
            uint64_t *e = upte(p, a, false);
            unsigned node, zone;
            if (!e) /* no table: skip the rest of its 2 MiB */
                a = (a | (SUBSECTION_SIZE - 1)) + 1 - PAGE_SIZE;
            else if ((*e & PTE_P) && !mm_pa_node_zone(*e & PTE_ADDR, &node, &zone))
                res[node][zone]++;
        }
    mm_unlock_irqrestore(irq);
}

/* The shared object of key (created with npages on node if new), one more reference. */
struct shm *shm_get(uint64_t key, uint64_t npages, unsigned node)
{
    struct shm *s = NULL;
    int free_slot = -1;
    unsigned long irq = mm_lock_irqsave();
    for (int i = 0; i < SHM_MAX; i++) {
        if (shms[i] && shms[i]->key == key)
            s = shms[i];
        else if (!shms[i] && free_slot < 0)
            free_slot = i;
    }
    if (!s && free_slot >= 0 && (s = plat_alloc(sizeof *s))) {
        *s = (struct shm){key, npages, plat_alloc(npages * 8), 0, node};
        if (!s->pa) {
            plat_free(s);
            s = NULL;
        } else {
            shms[free_slot] = s;
        }
    }
    if (s && s->npages < npages)
        s = NULL; /* an existing object is smaller than asked */
    if (s)
        s->refs++; /* dropped again by shm_put if no vma ends up using it */
    mm_unlock_irqrestore(irq);
    return s;
}

/* Drop a reference; the last one frees the object's pages. */
void shm_put(struct shm *s)
{
    unsigned long irq = mm_lock_irqsave();
    if (--s->refs) {
        mm_unlock_irqrestore(irq);
        return;
    }
    for (int i = 0; i < SHM_MAX; i++)
        if (shms[i] == s)
            shms[i] = NULL;
    for (uint64_t i = 0; i < s->npages; i++)
        if (s->pa[i] && mm_rmap_remove(s->pa[i], s, i) == 0)
            mm_user_page_free(s->pa[i]);
    mm_unlock_irqrestore(irq);
    plat_free(s->pa);
    plat_free(s);
}
