; isr.asm - interrupt entry stubs: push (error code, vector), save registers, call trap_dispatch.
bits 64
section .text
extern trap_dispatch

%macro ISR_NOERR 1
isr_%1:
    push 0
    push %1
    jmp isr_common
%endmacro
%macro ISR_ERR 1
isr_%1:
    push %1
    jmp isr_common
%endmacro

%assign i 0
%rep 256
%if i = 8 || (i >= 10 && i <= 14) || i = 17 || i = 21 || i = 29 || i = 30
    ISR_ERR i
%else
    ISR_NOERR i
%endif
%assign i i + 1
%endrep

isr_common:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    cld
    mov rdi, rsp
    ; a stack frame that links the trap to the interrupted code, so backtraces pass through it
    push qword [rsp + 17 * 8]       ; return address = interrupted rip
    push qword [rsp + 9 * 8]        ; saved rbp of the interrupted code
    mov rbp, rsp
    call trap_dispatch
    add rsp, 16
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    add rsp, 16
    iretq

section .rodata
global isr_table
isr_table:
%assign i 0
%rep 256
    dq isr_%+i
%assign i i + 1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
