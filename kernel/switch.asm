; switch.asm - kernel thread context switch and first entry (kernel/sched.c).
bits 64
section .text

; void sched_switch(uint64_t *save_rsp, uint64_t load_rsp)
; Push the callee-saved registers, save rsp in *save_rsp, load load_rsp, pop, return into the
; other thread (interrupts are off on both sides: sched.c).
global sched_switch
sched_switch:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov [rdi], rsp
    mov rsp, rsi
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret

; The first "return" of a new thread: its initial stack holds fn in r12 and arg in r13.
global sched_thread_entry
extern sched_thread_start
sched_thread_entry:
    mov rdi, r12
    mov rsi, r13
    xor rbp, rbp                    ; ends the backtrace
    call sched_thread_start
.hang:
    cli
    hlt
    jmp .hang

section .note.GNU-stack noalloc noexec nowrite progbits
