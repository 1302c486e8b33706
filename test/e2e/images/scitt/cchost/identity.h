/* identity.h — certificates and recovery shares of the cchost stand-in.
 * A fresh service identity (self-signed EC P-384 CA, "CN=CCF Service") and node certificate
 * (signed by it, with the configured subject_alt_names) are issued at every Start and
 * Recover, like CCF (a recovered service has a new identity). Issued with the openssl CLI,
 * which the upstream image has (the CCF runtime RPM requires openssl). */
#ifndef CCHOST_IDENTITY_H
#define CCHOST_IDENTITY_H

#include <stddef.h>

typedef struct {
    char dir[64];            /* private temp dir holding the keys */
    char node_key[128];
    char node_cert[128];
    char *service_pem;
    char *node_pem;
    char node_id[65];
} identity;

/* sans: openssl form, e.g. "IP:127.0.0.1,DNS:localhost" (may be empty). 0 on success. */
int identity_issue(identity *id, const char *sans);
void identity_cleanup(identity *id);
/* SHA-256 of the certificate's DER, hex (CCF's member id). 0 on success. */
int cert_fingerprint(const char *pem, char out[65]);
/* First base64 line of a PEM body (what a JSON-escaped PEM inside a proposal must contain). */
void pem_first_line(const char *pem, char *out, size_t n);
/* Encrypts plain with an RSA public key (PEM), OAEP with SHA-256, base64. NULL on error. */
char *share_encrypt(const char *pubkey_pem, const unsigned char *plain, size_t len);

#endif
