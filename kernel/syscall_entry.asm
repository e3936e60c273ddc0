; syscall_entry.asm - the SYSCALL entry point and the first entry into ring 3 (kernel/syscall.c).
; GS always holds the per-CPU struct (user code cannot change its base without wrmsr, and the
; user selectors are never loaded into GS), so no SWAPGS: %gs:8 is the running user thread's
; kernel stack top, %gs:16 a scratch slot for the user rsp (kernel/percpu.h asserts both).
bits 64
section .text
extern syscall_dispatch

%define USER_DS 0x33
%define USER_CS 0x3b

; SYSCALL: rcx = user rip, r11 = user rflags, rax = number, args rdi rsi rdx r10 r8.
; Interrupts are off (IA32_FMASK clears IF) until the frame is on the kernel stack.
global syscall_entry
syscall_entry:
    mov [gs:16], rsp
    mov rsp, [gs:8]
    push qword [gs:16]              ; user rsp
    push r11                        ; user rflags
    push rcx                        ; user rip
    push rbp
    push rdi
    push rsi
    push rdx
    push r10
    push r8
    push r9
    push rax
    push rbx
    push r12
    push r13
    push r14
    push r15
    xor rbp, rbp                    ; ends kernel backtraces here
    mov rdi, rsp                    ; struct sysframe *
    sti
    call syscall_dispatch           ; returns the result in rax
    cli
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    add rsp, 8                      ; the saved rax: the result replaces it
    pop r9
    pop r8
    pop r10
    pop rdx
    pop rsi
    pop rdi
    pop rbp
    pop rcx
    pop r11
    pop rsp
    o64 sysret

; void user_enter(uint64_t rip, uint64_t rsp, uint64_t argc, uint64_t argv): iretq to ring 3
; with rdi = argc, rsi = argv and every other register cleared.
global user_enter
user_enter:
    cli
    push USER_DS
    push rsi
    push 0x202                      ; IF on
    push USER_CS
    push rdi
    mov rdi, rdx
    mov rsi, rcx
    xor eax, eax
    xor ebx, ebx
    xor ecx, ecx
    xor edx, edx
    xor ebp, ebp
    xor r8d, r8d
    xor r9d, r9d
    xor r10d, r10d
    xor r11d, r11d
    xor r12d, r12d
    xor r13d, r13d
    xor r14d, r14d
    xor r15d, r15d
    iretq

section .note.GNU-stack noalloc noexec nowrite progbits
