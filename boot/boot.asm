; boot.asm - multiboot2 header, 32-bit entry, first page tables, switch to long mode, jump to kmain.
;
; GRUB enters _start in 32-bit protected mode, paging off, eax = multiboot2 magic, ebx = info.
; This code runs at its physical address (section .boot, linked at LMA = VMA); everything else is
; linked in the higher half. The first page tables map, with 2 MiB pages:
;   identity         0 .. 4 GiB  (only until kmain switches to its own tables)
;   DIRECT_MAP_BASE  0 .. 4 GiB  (the direct map; C extends it to all RAM)
;   KERNEL_VMA       0 .. 1 GiB  (the kernel image at -2 GiB)

%include "boot/longmode.inc"

MB2_MAGIC      equ 0xE85250D6
MB2_BOOT_MAGIC equ 0x36D76289
KERNEL_VMA     equ 0xFFFFFFFF80000000

section .multiboot2 align=8
mb2_header:
    dd MB2_MAGIC, 0, mb2_header_end - mb2_header
    dd -(MB2_MAGIC + 0 + (mb2_header_end - mb2_header))
    align 8
    ; information request (type 1), optional (flags 1): cmdline, loader name, mmap, ACPI old/new,
    ; EFI64 system table, EFI memory map.
    dw 1, 1
    dd 8 + 4 * 7
    dd 1, 2, 6, 14, 15, 12, 17
    align 8
    dw 0, 0
    dd 8
mb2_header_end:

section .boot progbits alloc exec write align=4096
bits 32
global _start
_start:
    cli
    cld
    mov esp, boot_stack_top
    cmp eax, MB2_BOOT_MAGIC
    jne .not_multiboot
    mov [mb2_info], ebx

    ; long mode available? (CPUID 0x80000001 EDX bit 29)
    mov eax, 0x80000000
    cpuid
    cmp eax, 0x80000001
    jb .no_long_mode
    mov eax, 0x80000001
    cpuid
    test edx, 1 << 29
    jz .no_long_mode

    ; four page directories mapping 0..4 GiB with 2 MiB pages (present, writable, PS)
    mov edi, boot_pd
    mov eax, 0x83
    xor edx, edx
    mov ecx, 2048
.fill_pd:
    mov [edi], eax
    mov [edi + 4], edx
    add eax, 0x200000
    adc edx, 0
    add edi, 8
    loop .fill_pd

    ; PDPT for the identity and direct maps: 4 entries -> the 4 PDs
    mov edi, boot_pdpt_low
    mov eax, boot_pd + 3
    mov ecx, 4
.fill_pdpt:
    mov [edi], eax
    add eax, 4096
    add edi, 8
    loop .fill_pdpt

    ; PDPT for -2 GiB: entry 510 -> the PD of the first 1 GiB
    mov dword [boot_pdpt_high + 510 * 8], boot_pd + 3

    mov dword [boot_pml4 + 0 * 8], boot_pdpt_low + 3
    mov dword [boot_pml4 + 256 * 8], boot_pdpt_low + 3
    mov dword [boot_pml4 + 511 * 8], boot_pdpt_high + 3

    LONG_MODE_ON 1 << 5, boot_pml4  ; PAE

    lgdt [boot_gdtr]
    jmp 0x08:long_mode_entry

.not_multiboot:
    mov esi, msg_not_mb2
    jmp boot_fail32
.no_long_mode:
    mov esi, msg_no_lm
    jmp boot_fail32

; Print the NUL-terminated string at esi on COM1 and halt forever.
boot_fail32:
    mov dx, 0x3FD
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    lodsb
    test al, al
    jz .halt
    mov dx, 0x3F8
    out dx, al
    mov dx, 0x3FD
    jmp .wait
.halt:
    hlt
    jmp .halt

bits 64
long_mode_entry:
    LOAD_DATA_SEGMENTS
    mov rax, .higher_half
    jmp rax
.higher_half:
    extern kmain
    mov rsp, kernel_stack_top
    xor rbp, rbp                    ; ends the backtrace
    mov edi, [mb2_info]
    call kmain
.hang:
    cli
    hlt
    jmp .hang

msg_not_mb2: db "hotmem: not loaded by a multiboot2 loader (bad magic in eax)", 13, 10, 0
msg_no_lm:   db "hotmem: this CPU has no long mode", 13, 10, 0

align 8
boot_gdt:
    dq 0
    dq 0x00209A0000000000           ; 0x08 kernel code, 64-bit
    dq 0x0000920000000000           ; 0x10 kernel data
boot_gdtr:
    dw boot_gdtr - boot_gdt - 1
    dd boot_gdt
global mb2_info
mb2_info: dd 0

section .boot_bss nobits alloc write align=4096
global boot_pml4
boot_pml4:      resb 4096
boot_pdpt_low:  resb 4096
boot_pdpt_high: resb 4096
boot_pd:        resb 4096 * 4
boot_stack:     resb 4096
boot_stack_top:

; The kernel stack (64 KiB) with an unmapped guard page below it: paging_init leaves
; kernel_stack_guard unmapped, so an overflow faults (on its own IST stack) instead of corrupting .bss.
section .bss nobits alloc write align=4096
global kernel_stack_guard, kernel_stack_top
kernel_stack_guard: resb 4096
kernel_stack:       resb 65536
kernel_stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
