/* identity.c — service/node certificates and recovery-share encryption (see identity.h). */
#define _GNU_SOURCE
#include "identity.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

int identity_issue(identity *id, const char *sans) {
    memset(id, 0, sizeof *id);
    snprintf(id->dir, sizeof id->dir, "%s/cchost-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(id->dir)) { LOG_FATAL("cannot create a temp dir in %s", id->dir); return -1; }
    char svc_key[128], svc_cert[128], csr[128], ext[128], serial[40];
    snprintf(svc_key, sizeof svc_key, "%s/service.key", id->dir);
    snprintf(svc_cert, sizeof svc_cert, "%s/service.pem", id->dir);
    snprintf(csr, sizeof csr, "%s/node.csr", id->dir);
    snprintf(ext, sizeof ext, "%s/node.ext", id->dir);
    snprintf(id->node_key, sizeof id->node_key, "%s/node.key", id->dir);
    snprintf(id->node_cert, sizeof id->node_cert, "%s/node.pem", id->dir);
    snprintf(serial, sizeof serial, "0x%08lx%08lx", (unsigned long)random(), (unsigned long)getpid());

    char *svc[] = { "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:secp384r1",
                    "-nodes", "-keyout", svc_key, "-out", svc_cert, "-subj", "/CN=CCF Service", "-days", "1",
                    "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature", NULL };
    char *req[] = { "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:secp384r1",
                    "-nodes", "-keyout", id->node_key, "-out", csr, "-subj", "/CN=CCF Node", NULL };
    char *sign[] = { "openssl", "x509", "-req", "-in", csr, "-CA", svc_cert, "-CAkey", svc_key,
                     "-set_serial", serial, "-days", "1", "-extfile", ext, "-out", id->node_cert, NULL };
    char extconf[1024];
    snprintf(extconf, sizeof extconf, "basicConstraints=critical,CA:FALSE\n%s%s\n",
             sans[0] ? "subjectAltName=" : "", sans);
    if (run_prog(svc) || run_prog(req) || write_file(ext, extconf, strlen(extconf)) || run_prog(sign)) {
        LOG_FATAL("issuing the service/node certificates with the openssl CLI failed");
        return -1;
    }
    id->service_pem = read_file(svc_cert, NULL);
    id->node_pem = read_file(id->node_cert, NULL);
    if (!id->service_pem || !id->node_pem) return -1;
    return cert_fingerprint(id->node_pem, id->node_id);
}

void identity_cleanup(identity *id) {
    const char *names[] = { "service.key", "service.pem", "node.csr", "node.ext", "node.key", "node.pem" };
    char p[200];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(p, sizeof p, "%s/%s", id->dir, names[i]);
        unlink(p);
    }
    if (id->dir[0]) rmdir(id->dir);
}

int cert_fingerprint(const char *pem, char out[65]) {
    BIO *bio = BIO_new_mem_buf(pem, -1);
    X509 *x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (!x) return -1;
    unsigned char *der = NULL;
    int len = i2d_X509(x, &der);
    X509_free(x);
    if (len <= 0) return -1;
    sha256_hex(der, (size_t)len, out);
    OPENSSL_free(der);
    return 0;
}

void pem_first_line(const char *pem, char *out, size_t n) {
    out[0] = 0;
    const char *p = strchr(pem, '\n');
    if (!p) return;
    p++;
    size_t k = strcspn(p, "\r\n");
    if (k >= n) k = n - 1;
    memcpy(out, p, k);
    out[k] = 0;
}

char *share_encrypt(const char *pubkey_pem, const unsigned char *plain, size_t len) {
    BIO *bio = BIO_new_mem_buf(pubkey_pem, -1);
    EVP_PKEY *key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (!key) return NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
    unsigned char out[1024];
    size_t outlen = sizeof out;
    char *b64 = NULL;
    if (ctx && EVP_PKEY_encrypt_init(ctx) > 0 &&
        EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) > 0 &&
        EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) > 0 &&
        EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) > 0 &&
        EVP_PKEY_encrypt(ctx, out, &outlen, plain, len) > 0)
        b64 = b64_encode(out, outlen);
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(key);
    return b64;
}
