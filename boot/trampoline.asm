; trampoline.asm - application-processor start code. kernel/smp.c copies the bytes between
; trampoline_start and trampoline_end to TRAMPOLINE_PA (params.h) and fills tr_params before each
; INIT-SIPI-SIPI; the SIPI vector TRAMPOLINE_PA >> 12 starts the AP here in real mode, CS:IP = 0x0800:0.
;
; real mode -> 32-bit protected mode (flat GDT below) -> PAE paging with tr_cr3 (tables that
; identity-map the trampoline and share the kernel's upper half) -> long mode -> call tr_entry(tr_arg)
; on tr_stack, in the higher half. tr_entry never returns.

%include "boot/longmode.inc"

TRAMPOLINE_PA equ 0x8000              ; = TRAMPOLINE_PA in include/hotmem/params.h (smp.c checks)
%define TR(x) (TRAMPOLINE_PA + (x) - trampoline_start)

section .rodata
align 16
global trampoline_start, trampoline_end, tr_params, tr_pa
tr_pa: dq TRAMPOLINE_PA
align 16
bits 16
trampoline_start:
    cli
    cld
    xor ax, ax
    mov ds, ax
    mov ss, ax
    o32 lgdt [TR(tr_gdtr)]
    mov eax, cr0
    or eax, 1                           ; PE
    mov cr0, eax
    jmp dword 0x18:TR(tr_pm32)

bits 32
tr_pm32:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    LONG_MODE_ON (1 << 5) | (1 << 7), [TR(tr_cr3)] ; PAE, PGE
    jmp 0x08:TR(tr_lm)

bits 64
tr_lm:
    LOAD_DATA_SEGMENTS
    mov rsp, [TR(tr_stack)]
    mov rdi, [TR(tr_arg)]
    mov rax, [TR(tr_entry)]
    xor rbp, rbp                        ; ends the backtrace
    call rax
.hang:
    cli
    hlt
    jmp .hang

align 8
tr_gdt:
    dq 0
    dq 0x00209A0000000000               ; 0x08 kernel code, 64-bit
    dq 0x00CF92000000FFFF               ; 0x10 data, flat 4 GiB
    dq 0x00CF9A000000FFFF               ; 0x18 code, 32-bit flat 4 GiB
tr_gdtr:
    dw tr_gdtr - tr_gdt - 1
    dd TR(tr_gdt)
align 8
; struct tr_params in kernel/smp.c
tr_params:
tr_cr3:   dq 0
tr_stack: dq 0
tr_entry: dq 0
tr_arg:   dq 0
trampoline_end:

section .note.GNU-stack noalloc noexec nowrite progbits
