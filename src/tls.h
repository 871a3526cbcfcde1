/*
 * tls.h — a BearSSL client with one fixed policy, over a net.h socket.
 *
 * Policy: TLS 1.2 only; ECDHE_ECDSA/ECDHE_RSA with AES-GCM or
 * ChaCha20-Poly1305; curves X25519, P-256, P-384; RSA keys of at least
 * 2048 bits; certificate signatures with SHA-256/384/512 only.  SNI is
 * always sent and the host name always checked.  There is no way to turn
 * verification off.
 *
 * Trust anchors are the embedded Mozilla set (roots.c) unless a PEM bundle
 * is loaded (--cacert / SSL_CERT_FILE), which replaces them.
 *
 * Clock: certificates are checked against the system time, or against the
 * build date when the system time is earlier (a board without RTC); that
 * case is reported once on stderr by the caller through tls_clock_floored().
 */
#ifndef TLS_H
#define TLS_H

#include <stddef.h>
#include "http.h"

/*
 * Load a PEM bundle replacing the embedded anchors.  Returns 0, or -1 with
 * ERR_LOCAL set (unreadable file, no certificate in it, bundle larger than
 * the anchor store).
 */
int tls_load_cafile(const char *path);

/*
 * Handshake over the connected socket fd with server name host.  Returns
 * 0 and fills io with a stream usable by http_exchange(), or -1 with
 * ERR_TLS set ("certificate has expired", "host name does not match", ...)
 * or ERR_NET (timeout, reset).
 */
int tls_open(int fd, const char *host, struct http_io *io);

/* Send close_notify (best effort) and forget the session. */
void tls_close(void);

/* 1 if the last handshake checked certificates against the build date. */
int tls_clock_floored(void);

#endif
