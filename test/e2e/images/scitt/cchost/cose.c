/* cose.c — COSE Sign1 parsing and ES256/ES384/ES512 verification (see cose.h). */
#define _GNU_SOURCE
#include "cose.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct { const unsigned char *p, *end; int err; } rd;

/* Reads a head: major type and argument (definite lengths only). */
static int head(rd *r, int *major, uint64_t *arg) {
    if (r->err || r->p >= r->end) { r->err = 1; return -1; }
    unsigned char b = *r->p++;
    *major = b >> 5;
    int info = b & 31, n = 0;
    if (info < 24) { *arg = (uint64_t)info; return 0; }
    if (info == 24) n = 1; else if (info == 25) n = 2; else if (info == 26) n = 4; else if (info == 27) n = 8;
    else { r->err = 1; return -1; }
    if (r->end - r->p < n) { r->err = 1; return -1; }
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = (v << 8) | *r->p++;
    *arg = v;
    return 0;
}

/* Reads a byte or text string of the given major type. */
static int str(rd *r, int want, const unsigned char **s, size_t *len) {
    int major; uint64_t n;
    if (head(r, &major, &n) || major != want || (uint64_t)(r->end - r->p) < n) { r->err = 1; return -1; }
    *s = r->p; *len = (size_t)n; r->p += n;
    return 0;
}

/* Reads an integer (major 0 or 1). */
static int integer(rd *r, long long *v) {
    int major; uint64_t n;
    if (head(r, &major, &n) || major > 1 || n > INT64_MAX) { r->err = 1; return -1; }
    *v = major == 0 ? (long long)n : -1 - (long long)n;
    return 0;
}

static void skip(rd *r, int depth) {
    int major; uint64_t n;
    if (depth > 16 || head(r, &major, &n)) { r->err = 1; return; }
    switch (major) {
    case 0: case 1: case 7: return;
    case 2: case 3: if ((uint64_t)(r->end - r->p) < n) r->err = 1; else r->p += n; return;
    case 4: for (uint64_t i = 0; i < n && !r->err; i++) skip(r, depth + 1); return;
    case 5: for (uint64_t i = 0; i < 2 * n && !r->err; i++) skip(r, depth + 1); return;
    case 6: skip(r, depth + 1); return;
    }
}

static void copy_text(char *dst, size_t cap, const unsigned char *s, size_t len) {
    if (len >= cap) len = cap - 1;
    memcpy(dst, s, len);
    dst[len] = 0;
}

static const char *parse_protected(cose_msg *m) {
    rd r = { m->protected_hdr, m->protected_hdr + m->protected_len, 0 };
    int major; uint64_t n;
    if (head(&r, &major, &n) || major != 5) return "Decode protected header: not a map";
    int have_alg = 0, have_kid = 0;
    m->created_at = -1;
    for (uint64_t i = 0; i < n && !r.err; i++) {
        const unsigned char *save = r.p;
        int kmajor; uint64_t karg;
        if (head(&r, &kmajor, &karg)) break;
        r.p = save;
        if (kmajor <= 1) {
            long long label = 0;
            if (integer(&r, &label)) break;
            if (label == 1) { if (integer(&r, &m->alg)) return "Parse alg in protected header"; have_alg = 1; }
            else if (label == 4) {
                const unsigned char *s; size_t len;
                if (str(&r, 2, &s, &len)) return "Parse kid in protected header: not a byte string";
                copy_text(m->kid, sizeof m->kid, s, len); have_kid = 1;
            } else skip(&r, 0);
        } else if (kmajor == 3) {
            const unsigned char *k = NULL, *s; size_t klen = 0, len;
            if (str(&r, 3, &k, &klen)) break;
            if (klen == 22 && !memcmp(k, "ccf.gov.msg.created_at", 22)) {
                if (integer(&r, &m->created_at) || m->created_at < 0) return "Parse created_at in protected header: must be a non-negative integer";
            } else if (klen == 16 && !memcmp(k, "ccf.gov.msg.type", 16)) {
                if (str(&r, 3, &s, &len)) return "ccf.gov.msg.type must be a text string";
                copy_text(m->msg_type, sizeof m->msg_type, s, len);
            } else if (klen == 23 && !memcmp(k, "ccf.gov.msg.proposal_id", 23)) {
                if (str(&r, 3, &s, &len)) return "ccf.gov.msg.proposal_id must be a text string";
                copy_text(m->proposal_id, sizeof m->proposal_id, s, len);
            } else skip(&r, 0);
        } else return "Decode protected header: unsupported label type";
    }
    if (r.err || r.p != r.end) return "Decode protected header: malformed CBOR";
    if (!have_alg) return "Parse alg in protected header: missing";
    if (!have_kid) return "Parse kid in protected header: missing";
    if (m->created_at < 0) return "Parse created_at in protected header: missing";
    return NULL;
}

const char *cose_parse(const unsigned char *buf, size_t len, cose_msg *m) {
    memset(m, 0, sizeof *m);
    rd r = { buf, buf + len, 0 };
    int major; uint64_t n;
    if (head(&r, &major, &n) || major != 6 || n != 18) return "Parse COSE tag: not a COSE_Sign1 (tag 18)";
    if (head(&r, &major, &n) || major != 4 || n != 4) return "Parse COSE CBOR: COSE_Sign1 is not an array of 4";
    if (str(&r, 2, &m->protected_hdr, &m->protected_len)) return "Parse raw protected header";
    if (head(&r, &major, &n) || major != 5) return "Parse COSE CBOR: unprotected header is not a map";
    for (uint64_t i = 0; i < 2 * n && !r.err; i++) skip(&r, 0);
    if (str(&r, 2, &m->payload, &m->payload_len)) return "Parse COSE CBOR: payload is not a byte string (detached payloads are not accepted)";
    if (str(&r, 2, &m->sig, &m->sig_len)) return "Parse COSE signature";
    if (r.p != r.end) return "Parse COSE CBOR: trailing bytes";
    return parse_protected(m);
}

static void put_head(unsigned char **o, int major, uint64_t n) {
    unsigned char *p = *o;
    if (n < 24) *p++ = (unsigned char)(major << 5 | n);
    else if (n < 256) { *p++ = (unsigned char)(major << 5 | 24); *p++ = (unsigned char)n; }
    else if (n < 65536) { *p++ = (unsigned char)(major << 5 | 25); *p++ = (unsigned char)(n >> 8); *p++ = (unsigned char)n; }
    else { *p++ = (unsigned char)(major << 5 | 26); for (int s = 24; s >= 0; s -= 8) *p++ = (unsigned char)(n >> s); }
    *o = p;
}

const char *cose_verify(const cose_msg *m, const char *cert_pem) {
    const EVP_MD *md; size_t half;
    if (m->alg == -7) { md = EVP_sha256(); half = 32; }
    else if (m->alg == -35) { md = EVP_sha384(); half = 48; }
    else if (m->alg == -36) { md = EVP_sha512(); half = 66; }
    else return "Unsupported algorithm";
    if (m->sig_len != 2 * half) return "Failed to validate COSE Sign1 (signature is not raw r||s of the algorithm's size)";

    size_t cap = 32 + m->protected_len + m->payload_len;
    unsigned char *tbs = malloc(cap), *o = tbs;
    put_head(&o, 4, 4);
    put_head(&o, 3, 10); memcpy(o, "Signature1", 10); o += 10;
    put_head(&o, 2, m->protected_len); memcpy(o, m->protected_hdr, m->protected_len); o += m->protected_len;
    put_head(&o, 2, 0);
    put_head(&o, 2, m->payload_len); memcpy(o, m->payload, m->payload_len); o += m->payload_len;

    const char *err = "Failed to validate COSE Sign1";
    BIO *bio = BIO_new_mem_buf(cert_pem, -1);
    X509 *x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    BIO_free(bio);
    EVP_PKEY *key = x ? X509_get_pubkey(x) : NULL;
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(m->sig, (int)half, NULL), *s = BN_bin2bn(m->sig + half, (int)half, NULL);
    unsigned char *der = NULL;
    int der_len = -1;
    if (sig && r && s && ECDSA_SIG_set0(sig, r, s)) { r = s = NULL; der_len = i2d_ECDSA_SIG(sig, &der); }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (key && der_len > 0 && ctx && EVP_DigestVerifyInit(ctx, NULL, md, NULL, key) == 1 &&
        EVP_DigestVerify(ctx, der, (size_t)der_len, tbs, (size_t)(o - tbs)) == 1)
        err = NULL;
    EVP_MD_CTX_free(ctx);
    OPENSSL_free(der);
    BN_free(r); BN_free(s);
    ECDSA_SIG_free(sig);
    EVP_PKEY_free(key);
    X509_free(x);
    free(tbs);
    return err;
}
