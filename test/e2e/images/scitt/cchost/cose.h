/* cose.h — COSE Sign1 checks of CCF governance requests for the cchost stand-in, following CCF
 * src/endpoints/authentication/cose_auth.cpp (MemberCOSESign1AuthnPolicy): the body must be a
 * tag-18 COSE_Sign1 whose protected header holds alg (1, an ECDSA alg), kid (4, a byte string: the
 * member id as hex text), "ccf.gov.msg.created_at" (non-negative int, required),
 * "ccf.gov.msg.type" (text) and optionally "ccf.gov.msg.proposal_id" (text); the signature (raw
 * r||s, RFC 8152 §8.1) must verify over Sig_structure ["Signature1", protected, h'', payload]
 * with the member certificate's key. A small CBOR reader of its own (definite lengths only). */
#ifndef CCHOST_COSE_H
#define CCHOST_COSE_H

#include <stddef.h>

typedef struct {
    long long alg;
    char kid[129];
    char msg_type[64];
    char proposal_id[130];
    long long created_at;      /* -1 when absent */
    const unsigned char *protected_hdr;   /* raw protected header bytes (inside the message) */
    size_t protected_len;
    const unsigned char *payload;
    size_t payload_len;
    const unsigned char *sig;
    size_t sig_len;
} cose_msg;

/* Parses a COSE_Sign1; NULL or an error message (CCF's wording where it has one). */
const char *cose_parse(const unsigned char *buf, size_t len, cose_msg *m);
/* Verifies the signature with the certificate's public key; NULL or an error message. */
const char *cose_verify(const cose_msg *m, const char *cert_pem);

#endif
