/*
 * The 16550 UART's registers (offsets from its I/O base) and the bits the payloads use, for the
 * payloads that drive COM1 and COM2 themselves (seL4 through I/O port capabilities, GNU Mach
 * through I/O permission bitmaps).
 */
#ifndef HB_BARE_UART16550_H
#define HB_BARE_UART16550_H

#define REG_DATA 0 /* THR on write; DLL while LCR.DLAB is set */
#define REG_IER 1  /* DLM while LCR.DLAB is set */
#define REG_FCR 2
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR 0x07 /* enable FIFOs and clear both */
#define MCR_DTR_RTS 0x03
#define LSR_THRE 0x20         /* the transmit holding register can take a byte */
#define LSR_TEMT 0x40         /* holding and shift registers both empty */

#endif
