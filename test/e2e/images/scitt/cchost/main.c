/* main.c — `cchost --config <file>` stand-in for the scitt-ccf-ledger runtime image
 * (upstream: /usr/bin/cchost is the SCITT app itself since CCF 7; docker/Dockerfile moves
 * /opt/scitt/bin/cchost there). Reproduces the host-side behaviour our entrypoint depends on,
 * following CCF src/host/run.cpp:
 *   - JSON config, top-level keys checked like the schema's additionalProperties:false;
 *   - PID file: refuses to start when output_files.pid_file EXISTS (live or not — CCF PR #5361
 *     checks existence only), then writes its PID and never removes it;
 *   - Start refuses a non-empty ledger.directory ("On start, ledger directory should not exist
 *     or be empty"); Recover reads the ledger and needs recover.previous_service_identity_file;
 *   - a new service certificate on every Start/Recover, written to
 *     command.service_certificate_file, node certificate to output_files.node_certificate_file;
 *   - HTTPS (node cert endorsed by the service cert) on the first rpc_interfaces bind_address,
 *     the node-to-node port bound (never used); graceful exit 0 on SIGTERM/SIGINT.
 * Governance requests are COSE Sign1-verified against the member certificate (cose.h, gov.h).
 * NOT reproduced: TEE/attestation, consensus and joins, snapshots, real transactions,
 * receipts, the SCITT API. Single-threaded, one request at a time. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "gov.h"
#include "identity.h"
#include "json.h"
#include "ledger.h"
#include "util.h"

/* CLI11 exit codes used by CCF's run.cpp */
#define EXIT_FILE_ERROR 103
#define EXIT_VALIDATION_ERROR 105

static volatile sig_atomic_t stop_requested = 0;
static void on_signal(int sig) { (void)sig; stop_requested = 1; }

static const char *ALLOWED_TOP_LEVEL[] = {
    "network", "command", "node_certificate", "node_data_json_file", "attestation", "service_data_json_file",
    "ledger", "snapshots", "logging", "consensus", "ledger_signatures", "jwt", "output_files", "tick_interval",
    "slow_io_logging_threshold", "node_client_interface", "client_connection_timeout", "worker_threads", "memory",
    "files_cleanup", "idle_connection_timeout", "ignore_first_sigterm", "pending_node_timeout", NULL };

/* Schema-like checks; returns NULL or the first error. */
static const char *validate(const jnode *cfg, char *buf, size_t n) {
    if (!cfg || cfg->type != J_OBJ) return "configuration is not a JSON object";
    for (jnode *c = cfg->child; c; c = c->next) {
        int ok = 0;
        for (const char **k = ALLOWED_TOP_LEVEL; *k; k++) ok |= !strcmp(*k, c->key);
        if (!ok) { snprintf(buf, n, "unexpected top-level property '%s' (additionalProperties is false)", c->key); return buf; }
    }
    if (!json_str(cfg, "network.node_to_node_interface.bind_address", NULL)) return "required: network.node_to_node_interface.bind_address";
    jnode *rpc = json_path(cfg, "network.rpc_interfaces");
    if (!rpc || rpc->type != J_OBJ || !rpc->child || !json_str(rpc->child, "bind_address", NULL)) return "required: network.rpc_interfaces.<name>.bind_address";
    const char *type = json_str(cfg, "command.type", NULL);
    if (!type) return "required: command.type";
    if (!strcmp(type, "Start")) {
        jnode *cf = json_path(cfg, "command.start.constitution_files"), *mb = json_path(cfg, "command.start.members");
        if (!cf || cf->type != J_ARR || !mb || mb->type != J_ARR) return "Start requires command.start.constitution_files and command.start.members";
    } else if (!strcmp(type, "Recover")) {
        if (!json_str(cfg, "command.recover.previous_service_identity_file", NULL)) return "Recover requires command.recover.previous_service_identity_file";
    } else if (!strcmp(type, "Join")) {
        return "command.type Join is not reproduced by the stand-in";
    } else {
        return "command.type must be Start, Join or Recover";
    }
    return NULL;
}

/* "host:port" → sockaddr; "0.0.0.0" or "" → any. */
static int listen_on(const char *addr) {
    char host[256];
    int port;
    const char *colon = strrchr(addr, ':');
    if (!colon) return -1;
    snprintf(host, sizeof host, "%.*s", (int)(colon - addr), addr);
    port = atoi(colon + 1);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (!host[0] || !strcmp(host, "localhost")) inet_pton(AF_INET, host[0] ? "127.0.0.1" : "0.0.0.0", &sa.sin_addr);
    else if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) return -1;
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) || listen(fd, 64)) { close(fd); return -1; }
    return fd;
}

/* node_certificate.subject_alt_names ("iPAddress:x", "dNSName:y") → "IP:x,DNS:y". */
static void sans_from(const jnode *cfg, char *out, size_t n) {
    out[0] = 0;
    jnode *arr = json_path(cfg, "node_certificate.subject_alt_names");
    for (jnode *c = arr ? arr->child : NULL; c; c = c->next) {
        if (c->type != J_STR) continue;
        const char *v = c->str;
        char item[300];
        if (!strncmp(v, "iPAddress:", 10)) snprintf(item, sizeof item, "IP:%s", v + 10);
        else if (!strncmp(v, "dNSName:", 8)) snprintf(item, sizeof item, "DNS:%s", v + 8);
        else continue;
        if (strlen(out) + strlen(item) + 2 >= n) break;
        if (out[0]) strcat(out, ",");
        strcat(out, item);
    }
    if (!out[0]) snprintf(out, n, "IP:127.0.0.1");
}

static int start_service(service *s, const jnode *cfg, const char *ledger_dir) {
    if (ledger_init(&s->led, ledger_dir)) { LOG_FATAL("cannot create ledger directory %s", ledger_dir); return 1; }
    jnode *files = json_path(cfg, "command.start.constitution_files");
    strbuf all = {0};
    for (jnode *f = files->child; f; f = f->next) {
        char *text = f->type == J_STR ? read_file(f->str, NULL) : NULL;
        if (!text) { LOG_FATAL("Could not open constitution file %s", f->type == J_STR ? f->str : "?"); return 1; }
        sb_add(&all, "%s\n", text);
        free(text);
    }
    gov_scan_constitution(s, all.s ? all.s : "");
    free(all.s);
    ledger_append(&s->led, "actions", "%s", s->actions);
    for (jnode *m = json_path(cfg, "command.start.members")->child; m; m = m->next) {
        const char *certf = json_str(m, "certificate_file", NULL), *encf = json_str(m, "encryption_public_key_file", NULL);
        char *cert = certf ? read_file(certf, NULL) : NULL, id[65];
        if (!cert || cert_fingerprint(cert, id)) { LOG_FATAL("Could not read member certificate %s", certf ? certf : "?"); return 1; }
        ledger_append(&s->led, "member", "%s Accepted", id);
        char line[100];
        snprintf(line, sizeof line, "%s Accepted", id);
        gov_replay_entry("member", line, s);
        char *cert_b64 = b64_encode((unsigned char *)cert, strlen(cert));
        ledger_append(&s->led, "member_cert", "%s %s", id, cert_b64);
        strbuf c = {0};
        sb_add(&c, "%s %s", id, cert_b64);
        gov_replay_entry("member_cert", c.s, s);
        free(c.s); free(cert_b64); free(cert);
        if (encf) {
            size_t len;
            char *pub = read_file(encf, &len);
            if (!pub) { LOG_FATAL("Could not read member encryption key %s", encf); return 1; }
            char *b64 = b64_encode((unsigned char *)pub, len);
            ledger_append(&s->led, "member_enc_key", "%s %s", id, b64);
            strbuf e = {0};
            sb_add(&e, "%s %s", id, b64);
            gov_replay_entry("member_enc_key", e.s, s);
            free(e.s); free(b64); free(pub);
        }
    }
    gov_issue_shares(s);
    char fp[65];
    if (!cert_fingerprint(s->service_pem, fp)) ledger_append(&s->led, "service_identity", "%s", fp);
    snprintf(s->node_state, sizeof s->node_state, "PartOfNetwork");
    snprintf(s->service_status, sizeof s->service_status, "Opening");
    ledger_append(&s->led, "service", "Opening %.16s recovery_count=0", s->node_id);
    return 0;
}

static int recover_service(service *s, const jnode *cfg, const char *ledger_dir) {
    const char *prev = json_str(cfg, "command.recover.previous_service_identity_file", NULL);
    s->previous_service_pem = read_file(prev, NULL);
    char fp[65];
    if (!s->previous_service_pem || cert_fingerprint(s->previous_service_pem, fp)) {
        LOG_FATAL("Could not read previous service identity file %s", prev);
        return 1;
    }
    int n = ledger_replay(&s->led, ledger_dir, gov_replay_entry, s);
    if (n <= 0) {
        LOG_FATAL("On recover, ledger directory %s must hold the previous service's ledger (stand-in check; found %d entries)", ledger_dir, n);
        return 1;
    }
    LOG_INFO("Recovered %d public ledger entries up to seqno %ld", n, s->led.seqno);
    /* CCF checks the previous identity against the service identity recorded in the ledger */
    if (s->ledger_service_fp[0] && strcmp(fp, s->ledger_service_fp)) {
        LOG_FATAL("Previous service identity %s does not match the service identity in the ledger (%s)", fp, s->ledger_service_fp);
        return 1;
    }
    s->led.view += 1;
    s->led.recovering = 1;
    s->recovery_count += 1;
    s->startup_seqno = s->led.seqno;
    snprintf(s->node_state, sizeof s->node_state, "PartOfPublicNetwork");
    snprintf(s->service_status, sizeof s->service_status, "Recovering");
    ledger_append(&s->led, "service", "Recovering %.16s recovery_count=%d", s->node_id, s->recovery_count);
    if (!cert_fingerprint(s->service_pem, fp)) ledger_append(&s->led, "service_identity", "%s", fp);
    return 0;
}

static void write_outputs(const jnode *cfg, service *s, identity *id, const char *rpc_addr, const char *node_addr) {
    const char *svc = json_str(cfg, "command.service_certificate_file", "service_cert.pem");
    const char *node = json_str(cfg, "output_files.node_certificate_file", "nodecert.pem");
    write_file(node, id->node_pem, strlen(id->node_pem));
    LOG_INFO("Output self-signed node certificate to %s", node);
    write_file(svc, s->service_pem, strlen(s->service_pem));
    LOG_INFO("Output service certificate to %s", svc);
    const char *rpcf = json_str(cfg, "output_files.rpc_addresses_file", NULL);
    if (rpcf) {
        strbuf b = {0};
        sb_add(&b, "{\"%s\":\"%s\"}", json_path(cfg, "network.rpc_interfaces")->child->key, rpc_addr);
        write_file(rpcf, b.s, b.len);
        free(b.s);
    }
    const char *n2n = json_str(cfg, "output_files.node_to_node_address_file", NULL);
    if (n2n) {
        strbuf b = {0};
        sb_add(&b, "{\"node_to_node\":\"%s\"}", node_addr);
        write_file(n2n, b.s, b.len);
        free(b.s);
    }
}

/* One HTTP/1.1 request per TLS connection (Connection: close). */
static void serve_one(SSL_CTX *ctx, int cfd, service *s) {
    struct timeval tv = { 5, 0 };
    setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(cfd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, cfd);
    if (SSL_accept(ssl) <= 0) { SSL_free(ssl); close(cfd); return; }
    size_t cap = 1 << 16, n = 0, header_end = 0, want = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (n + 4096 > cap) {
            if (cap >= (4u << 20)) break;
            cap *= 2; buf = realloc(buf, cap);
        }
        int r = SSL_read(ssl, buf + n, 4096);
        if (r <= 0) break;
        n += (size_t)r;
        buf[n] = 0;
        if (!header_end) {
            char *e = strstr(buf, "\r\n\r\n");
            if (!e) continue;
            header_end = (size_t)(e - buf) + 4;
            char *cl = strcasestr(buf, "\r\ncontent-length:");
            want = header_end + (cl && cl < e ? (size_t)strtoul(cl + 17, NULL, 10) : 0);
        }
        if (n >= want) break;
    }
    strbuf body = {0};
    int status = 400;
    char method[16] = "", target[2048] = "";
    if (header_end && sscanf(buf, "%15s %2047s", method, target) == 2) {
        char ctype[128] = "";
        char *ct = strcasestr(buf, "\r\ncontent-type:");
        if (ct && ct < buf + header_end) sscanf(ct + 15, " %127[^\r\n]", ctype);
        status = gov_route(s, method, target, ctype, buf + header_end, n - header_end, &body);
        LOG_INFO("%s %s -> %d", method, target, status);
    }
    const char *reason = status == 200 ? "OK" : status == 204 ? "No Content" : status == 404 ? "Not Found" : "Error";
    strbuf resp = {0};
    sb_add(&resp, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
           status, reason, body.len);
    SSL_write(ssl, resp.s, (int)resp.len);
    if (body.len) SSL_write(ssl, body.s, (int)body.len);
    SSL_shutdown(ssl);
    SSL_free(ssl);
    close(cfd);
    free(buf); free(body.s); free(resp.s);
}

int main(int argc, char **argv) {
    const char *config_path = NULL;
    int check_only = 0;
    for (int i = 1; i < argc; i++) {
        if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) && i + 1 < argc) config_path = argv[++i];
        else if (!strncmp(argv[i], "--config=", 9)) config_path = argv[i] + 9;
        else if (!strcmp(argv[i], "--check")) check_only = 1;
        else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--version")) { printf("CCF host: ccf-7.0.10 (chainfleet e2e stand-in)\nPlatform: Virtual\n"); return 0; }
        else if (!strcmp(argv[i], "--log-level") && i + 1 < argc) i++;
        else if (!strcmp(argv[i], "--config-timeout") && i + 1 < argc) i++;
        else { fprintf(stderr, "unknown argument %s\n", argv[i]); return 109; }
    }
    if (!config_path) { fprintf(stderr, "--config is required\n"); return 106; }
    setvbuf(stdout, NULL, _IOLBF, 0);
    char *text = read_file(config_path, NULL);
    char err[512];
    jnode *cfg = text ? json_parse(text, err, sizeof err) : NULL;
    if (!cfg) { LOG_FATAL("Error parsing configuration file %s: %s", config_path, text ? err : "cannot read"); return 1; }
    const char *bad = validate(cfg, err, sizeof err);
    if (bad) { LOG_FATAL("Error validating JSON schema for configuration file %s: %s", config_path, bad); return 1; }
    if (check_only) { LOG_INFO("Configuration file successfully verified"); return 0; }

    const char *pid_file = json_str(cfg, "output_files.pid_file", "cchost.pid");
    if (path_exists(pid_file)) { LOG_FATAL("PID file %s already exists. Exiting.", pid_file); return EXIT_FILE_ERROR; }
    char pidbuf[32];
    snprintf(pidbuf, sizeof pidbuf, "%d", (int)getpid());
    write_file(pid_file, pidbuf, strlen(pidbuf));

    const char *type = json_str(cfg, "command.type", "");
    const char *ledger_dir = json_str(cfg, "ledger.directory", "ledger");
    if (!strcmp(type, "Start") && dir_nonempty(ledger_dir)) {
        LOG_FATAL("On start, ledger directory should not exist or be empty (%s)", ledger_dir);
        return EXIT_VALIDATION_ERROR;
    }
    const char *rpc_addr = json_path(cfg, "network.rpc_interfaces")->child ? json_str(json_path(cfg, "network.rpc_interfaces")->child, "bind_address", "") : "";
    const char *node_addr = json_str(cfg, "network.node_to_node_interface.bind_address", "");
    int rpc_fd = listen_on(rpc_addr), node_fd = listen_on(node_addr);
    if (rpc_fd < 0 || node_fd < 0) { LOG_FATAL("Cannot listen on %s / %s: %s", rpc_addr, node_addr, strerror(errno)); return 1; }

    srandom((unsigned)time(NULL) ^ (unsigned)getpid());
    static service s;
    identity id;
    char sans[1024];
    sans_from(cfg, sans, sizeof sans);
    if (identity_issue(&id, sans)) return 1;
    s.service_pem = id.service_pem;
    snprintf(s.node_id, sizeof s.node_id, "%s", id.node_id);
    int rc = !strcmp(type, "Start") ? start_service(&s, cfg, ledger_dir) : recover_service(&s, cfg, ledger_dir);
    if (rc) { identity_cleanup(&id); return rc; }
    mkdir_p(json_str(cfg, "snapshots.directory", "snapshots"));
    LOG_INFO("Created new node %s (%s), service status %s", s.node_id, type, s.service_status);
    write_outputs(cfg, &s, &id, rpc_addr, node_addr);

    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx || SSL_CTX_use_certificate_file(ctx, id.node_cert, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, id.node_key, SSL_FILETYPE_PEM) != 1) {
        LOG_FATAL("TLS setup failed");
        ERR_print_errors_fp(stdout);
        return 1;
    }
    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    LOG_INFO("Listening for RPC on %s", rpc_addr);
    while (!stop_requested) {
        fd_set rf;
        FD_ZERO(&rf);
        FD_SET(rpc_fd, &rf);
        struct timeval tv = { 1, 0 };
        if (select(rpc_fd + 1, &rf, NULL, NULL, &tv) <= 0) continue;
        int cfd = accept(rpc_fd, NULL, NULL);
        if (cfd >= 0) serve_one(ctx, cfd, &s);
    }
    LOG_INFO("Received stop signal; shutting down (PID file %s is left in place, as CCF does)", pid_file);
    identity_cleanup(&id);
    close(rpc_fd);
    close(node_fd);
    return 0;
}
