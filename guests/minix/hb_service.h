/*
 * The protocol between the MINIX payload (hb_minix) and its bench service (hb_service): one
 * message each way, the request carried by an ipc_sendrec from the payload, the reply sent back
 * with ipc_sendnb. Only the message type matters; the service sends the request back unchanged
 * apart from m_type (and, for HB_SVC_STAMP, the first 64-bit word of the body).
 *
 * The numbers sit in a range <minix/com.h> leaves unused (0x4800..), and none of them is a type
 * that sef_receive_status() intercepts (RS_INIT, RS_LU_PREPARE, SIGS_SIGNAL_RECEIVED,
 * COMMON_REQ_FI_CTL, COMMON_REQ_GCOV_DATA), so every request reaches the service's loop.
 *
 * Plain integers only: included by the service (built with _MINIX_SYSTEM) and by the payload.
 */
#ifndef HB_SERVICE_H
#define HB_SERVICE_H

/* Label under which minix-service starts the service (the binary's name, by default). */
#define HB_SERVICE_LABEL "hb_service"

/* Reply at once; the body comes back as it was sent. */
#define HB_SVC_PING 0x4801
/* Reply at once with the service's TSC at receipt in m_u64.data[0], for one-way figures. */
#define HB_SVC_STAMP 0x4802
/* m_type of every reply to a known request; unknown requests get ENOSYS (negative) instead. */
#define HB_SVC_REPLY 0x4880

#endif
