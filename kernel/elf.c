/* elf.c - load a static x86_64 ELF executable into a process. Everything the header and the
 * program headers say is checked against the image before anything is mapped; a bad image is
 * refused with the first reason found, and the process is torn down by the caller. */
#include <string.h>
#include "kernel/kernel.h"
#include "kernel/proc.h"

struct ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define ELF_MAX_PHDRS 16

/* The first problem of the header, or NULL. */
static const char *check_header(const struct ehdr *h, uint64_t size)
{
    if (size < sizeof *h)
        return "shorter than an ELF header";
    if (memcmp(h->ident, "\177ELF", 4))
        return "no ELF magic";
    if (h->ident[4] != 2 || h->ident[5] != 1)
        return "not 64-bit little-endian";
    if (h->type != 2)
        return "not an executable (ET_EXEC)";
    if (h->machine != 62)
        return "not x86_64";
    if (h->phentsize != sizeof(struct phdr) || !h->phnum || h->phnum > ELF_MAX_PHDRS)
        return "bad program header size or count";
    if (h->phoff > size || (uint64_t)h->phnum * sizeof(struct phdr) > size - h->phoff)
        return "program header table outside the file";
    return NULL;
}

/* The first problem of a loadable segment, or NULL. */
static const char *check_load(const struct phdr *ph, uint64_t size)
{
    if (ph->offset > size || ph->filesz > size - ph->offset)
        return "segment data outside the file";
    if (ph->filesz > ph->memsz)
        return "segment file size larger than its memory size";
    if (ph->vaddr < USER_LOAD_MIN || ph->memsz > USER_MMAP_BASE || ph->vaddr + ph->memsz > USER_MMAP_BASE)
        return "segment outside the program area";
    if ((ph->vaddr ^ ph->offset) & (PAGE_SIZE - 1))
        return "segment offset and address not congruent modulo the page size";
    return NULL;
}

/* Copy the segment's file bytes into its (faulted-in) pages under mm_lock, so that no
 * migration moves a page between the lookup and the copy. */
static int copy_segment(struct proc *p, const struct phdr *ph, const uint8_t *img)
{
    for (uint64_t off = 0; off < ph->filesz;) {
        uint64_t va = ph->vaddr + off, n = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (n > ph->filesz - off)
            n = ph->filesz - off;
        const char *why;
        if (uvm_fault(p, va, 0, &why))
            return MM_ENOMEM;
        unsigned long irq = uvm_lock_settled(p, va, 1);
        uint64_t pa = uvm_pa(p, va);
        if (pa)
            memcpy((uint8_t *)phys_to_virt(pa) + (va & (PAGE_SIZE - 1)), img + ph->offset + off, n);
        mm_unlock_irqrestore(irq);
        if (!pa)
            return MM_ENOMEM;
        off += n;
    }
    return 0;
}

/* Check img and map its PT_LOAD segments into p. */
int elf_load(struct proc *p, const uint8_t *img, uint64_t size, uint64_t *entry, const char **why)
{
    struct ehdr h;
    memcpy(&h, img, size < sizeof h ? size : sizeof h);
    if ((*why = check_header(&h, size)))
        return MM_EINVAL;
    struct phdr ph[ELF_MAX_PHDRS];
    memcpy(ph, img + h.phoff, h.phnum * sizeof *ph);
    bool entry_ok = false;
    for (unsigned i = 0; i < h.phnum; i++) {
        if (ph[i].type != PT_LOAD || !ph[i].memsz)
            continue;
        if ((*why = check_load(&ph[i], size)))
            return MM_EINVAL;
        entry_ok |= (ph[i].flags & PF_X) && h.entry >= ph[i].vaddr && h.entry < ph[i].vaddr + ph[i].memsz;
    }
    if (!entry_ok) {
        *why = "entry point not in an executable segment";
        return MM_EINVAL;
    }
    for (unsigned i = 0; i < h.phnum; i++) {
        if (ph[i].type != PT_LOAD || !ph[i].memsz)
            continue;
        uint64_t start = ph[i].vaddr & ~(PAGE_SIZE - 1);
        uint64_t end = (ph[i].vaddr + ph[i].memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        unsigned prot = (ph[i].flags & PF_R ? PROT_READ : 0) | (ph[i].flags & PF_W ? PROT_WRITE : 0) |
                        (ph[i].flags & PF_X ? PROT_EXEC : 0);
        int r = uvm_map(p, start, end - start, prot, NULL);
        if (r) {
            *why = r == MM_EEXIST ? "segments overlap" : "out of memory";
            return r;
        }
        if (copy_segment(p, &ph[i], img)) {
            *why = "out of memory";
            return MM_ENOMEM;
        }
    }
    *entry = h.entry;
    return 0;
}
