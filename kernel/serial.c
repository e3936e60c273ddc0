/* serial.c - the COM1 16550 console: polled output, interrupt-driven input into a ring buffer,
 * with flow control instead of loss: when the ring is full the receive interrupt is switched off
 * and the bytes wait in the UART's FIFO (QEMU then stops reading its chardev), until the reader
 * frees room and switches it back on. */
#include "kernel/arch.h"
#include "kernel/kernel.h"
#include "kernel/sched.h"

#define COM1 COM1_PORT
#define RX_SIZE 4096 /* bytes buffered between shell passes; more waits in the UART (flow control) */
#define IER_RX 0x01  /* IER: interrupt when received data is available */

static volatile uint8_t rx_buf[RX_SIZE];
static volatile uint32_t rx_head, rx_tail; /* head: next write (IRQ), tail: next read (loop) */
static uint32_t rx_stopped;   /* 1: the ring was full and the receive interrupt is off (atomic) */
uint64_t serial_rx_throttles; /* times the ring filled and input waited in the UART */
static struct waitq rx_wq = WAITQ_INIT("serial-rx");

/* Program COM1 for 115200 8N1 with FIFOs; input interrupts stay off until serial_enable_irq. */
void serial_init(void)
{
    outb(COM1 + 1, 0x00); /* IER: no interrupts */
    outb(COM1 + 3, 0x80); /* LCR: DLAB */
    outb(COM1 + 0, 0x01); /* divisor 1: 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03); /* 8N1 */
    outb(COM1 + 2, 0xc7); /* FIFO on, cleared, 14-byte threshold */
    outb(COM1 + 4, 0x0b); /* DTR, RTS, OUT2 (gates the IRQ line) */
}

/* Wait until the transmit FIFO is empty (LSR THRE), bounded (a broken UART must not hang us) by
 * SERIAL_TX_POLLS status reads per byte it will take: a slow reader of QEMU's serial socket (a
 * busy host) holds THRE clear for long, and a burst written after a timeout overwrites the FIFO. */
static void serial_wait_thre(void)
{
    for (long i = 0; i < (long)SERIAL_TX_POLLS * SERIAL_FIFO_BYTES && !(inb(COM1 + 5) & 0x20); i++)
        cpu_pause();
}

/* Write n bytes, turning "\n" into "\r\n". THRE means the whole FIFO is free, so the status is
 * read once per SERIAL_FIFO_BYTES bytes, not once per byte: each port access is a trap to the
 * emulator under QEMU, and the boot log is thousands of bytes. (Writers without the console lock,
 * the trap paths, may overrun each other's FIFO room on real hardware: a lost character there.) */
void serial_write(const char *s, size_t n)
{
    unsigned room = 0;
    for (size_t i = 0; i < n; i++) {
        for (int k = s[i] == '\n' ? 0 : 1; k < 2; k++) {
            if (!room) {
                serial_wait_thre();
                room = SERIAL_FIFO_BYTES;
            }
            outb(COM1, k ? (uint8_t)s[i] : (uint8_t)'\r');
            room--;
        }
    }
}

/* Switch the receive interrupt back on if the ring was full: the one caller that clears
 * rx_stopped writes IER, so the IRQ's "off" always comes before anybody's "on". */
static void rx_restart(void)
{
    uint32_t one = 1;
    if (__atomic_compare_exchange_n(&rx_stopped, &one, 0, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        outb(COM1 + 1, IER_RX); /* QEMU raises the IRQ again at once if the FIFO holds data */
}

/* IRQ 4: move the receive FIFO into the ring; when the ring is full, leave the rest in the FIFO,
 * switch the receive interrupt off and let the reader switch it on (serial_getc). */
static void serial_irq(void)
{
    while (inb(COM1 + 5) & 0x01) {
        uint32_t next = (rx_head + 1) % RX_SIZE;
        if (next == __atomic_load_n(&rx_tail, __ATOMIC_SEQ_CST)) {
            outb(COM1 + 1, 0x00);
            serial_rx_throttles++;
            __atomic_store_n(&rx_stopped, 1, __ATOMIC_SEQ_CST);
            /* the reader may have freed room before it could see rx_stopped: undo the stop */
            if (next != __atomic_load_n(&rx_tail, __ATOMIC_SEQ_CST))
                rx_restart();
            break;
        }
        rx_buf[rx_head] = inb(COM1);
        __atomic_store_n(&rx_head, next, __ATOMIC_SEQ_CST);
    }
    waitq_wake_all(&rx_wq);
    lapic_eoi();
}

/* Route COM1's IRQ through the IO APIC and enable the receive interrupt. */
void serial_enable_irq(void)
{
    irq_set_handler(VECTOR_COM1, serial_irq);
    ioapic_route_isa(COM1_IRQ, VECTOR_COM1);
    outb(COM1 + 1, IER_RX);
    (void)inb(COM1 + 2); /* clear a pending interrupt identification */
}

/* Next buffered input byte or -1. */
int serial_getc(void)
{
    if (rx_tail == rx_head)
        return -1;
    int c = rx_buf[rx_tail];
    __atomic_store_n(&rx_tail, (rx_tail + 1) % RX_SIZE, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&rx_stopped, __ATOMIC_SEQ_CST))
        rx_restart();
    return c;
}

/* Is input waiting in the UART because the ring is full (the receive interrupt off)? */
bool serial_rx_throttled(void)
{
    return __atomic_load_n(&rx_stopped, __ATOMIC_SEQ_CST);
}

/* Is input waiting? */
bool serial_getc_pending(void)
{
    return rx_tail != rx_head;
}

/* serial_getc_pending as a wait condition. */
static bool rx_pending(void *arg)
{
    (void)arg;
    return serial_getc_pending();
}

/* Sleep until input is buffered. */
void serial_wait_input(void)
{
    waitq_wait(&rx_wq, rx_pending, NULL);
}
