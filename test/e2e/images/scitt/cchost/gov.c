/* gov.c — service state and endpoints of the cchost stand-in (see gov.h). */
#define _GNU_SOURCE
#include "gov.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cose.h"
#include "identity.h"

#define GOV_API_VERSION "2024-07-01"

static member *find_member(service *s, const char *id) {
    for (int i = 0; i < s->n_members; i++)
        if (!strcmp(s->members[i].id, id)) return &s->members[i];
    return NULL;
}

static member *add_member(service *s, const char *id) {
    member *m = find_member(s, id);
    if (m || s->n_members >= MAX_MEMBERS) return m;
    m = &s->members[s->n_members++];
    memset(m, 0, sizeof *m);
    snprintf(m->id, sizeof m->id, "%s", id);
    snprintf(m->status, sizeof m->status, "Accepted");
    return m;
}

void gov_replay_entry(const char *type, char *payload, void *ctx) {
    service *s = ctx;
    char a[128], b[128];
    if (!strcmp(type, "actions")) {
        snprintf(s->actions, sizeof s->actions, "%s", payload);
    } else if (!strcmp(type, "member") && sscanf(payload, "%64s %15s", a, b) == 2) {
        member *m = add_member(s, a);
        if (m) snprintf(m->status, sizeof m->status, "%.15s", b);
    } else if (!strcmp(type, "member_cert") && sscanf(payload, "%64s", a) == 1) {
        member *m = add_member(s, a);
        char *b64 = strchr(payload, ' ');
        size_t len;
        unsigned char *pem = b64 ? b64_decode(b64 + 1, &len) : NULL;
        if (m && pem) { pem = realloc(pem, len + 1); pem[len] = 0; free(m->cert_pem); m->cert_pem = (char *)pem; }
        else free(pem);
    } else if (!strcmp(type, "member_enc_key") && sscanf(payload, "%64s", a) == 1) {
        member *m = add_member(s, a);
        char *key = strchr(payload, ' ');
        if (m && key) { free(m->enc_pub_b64); m->enc_pub_b64 = strdup(key + 1); }
    } else if (!strcmp(type, "recovery_share") && sscanf(payload, "%64s %64s", a, b) == 2) {
        member *m = find_member(s, a);
        char *share = strrchr(payload, ' ');
        if (m && share) {
            snprintf(m->share_hash, sizeof m->share_hash, "%.64s", b);
            free(m->share_b64);
            m->share_b64 = strdup(share + 1);
        }
    } else if (!strcmp(type, "service_identity") && sscanf(payload, "%64s", a) == 1) {
        snprintf(s->ledger_service_fp, sizeof s->ledger_service_fp, "%.64s", a);
    } else if (!strcmp(type, "service") && sscanf(payload, "%*s %*s recovery_count=%d", &s->recovery_count) == 1) {
        /* recovery_count restored */
    }
}

void gov_scan_constitution(service *s, const char *text) {
    if (!s->actions[0]) snprintf(s->actions, sizeof s->actions, ",");
    for (const char *p = strstr(text, "new Action"); p; p = strstr(p + 1, "new Action")) {
        const char *q = p;
        while (q > text && *q != '"') q--;            /* closing quote of the name */
        const char *end = q;
        if (q == text) continue;
        q--;
        while (q > text && *q != '"') q--;            /* opening quote */
        if (*q != '"' || end - q - 1 <= 0 || end - q - 1 > 100) continue;
        char name[128], probe[132];
        snprintf(name, sizeof name, "%.*s", (int)(end - q - 1), q + 1);
        snprintf(probe, sizeof probe, ",%s,", name);
        if (!strstr(s->actions, probe) && strlen(s->actions) + strlen(name) + 2 < sizeof s->actions) {
            strcat(s->actions, name);
            strcat(s->actions, ",");
        }
    }
}

void gov_issue_shares(service *s) {
    for (int i = 0; i < s->n_members; i++) {
        member *m = &s->members[i];
        if (!m->enc_pub_b64) continue;
        size_t keylen;
        unsigned char *key = b64_decode(m->enc_pub_b64, &keylen);
        unsigned char plain[32];
        RAND_bytes(plain, sizeof plain);
        char *share = NULL;
        if (key) {
            key = realloc(key, keylen + 1);
            key[keylen] = 0;
            share = share_encrypt((char *)key, plain, sizeof plain);
        }
        free(key);
        if (!share) { LOG_FAIL("could not encrypt a recovery share for member %s", m->id); continue; }
        sha256_hex(plain, sizeof plain, m->share_hash);
        free(m->share_b64);
        m->share_b64 = share;
        ledger_append(&s->led, "recovery_share", "%s %s %s", m->id, m->share_hash, m->share_b64);
    }
}

static int active_members(service *s) {
    int n = 0;
    for (int i = 0; i < s->n_members; i++) n += !strcmp(s->members[i].status, "Active");
    return n;
}

static int recovery_members(service *s) {
    int n = 0;
    for (int i = 0; i < s->n_members; i++) n += s->members[i].enc_pub_b64 != NULL;
    return n;
}

static int error(strbuf *body, int status, const char *code, const char *msg) {
    sb_add(body, "{\"error\":{\"code\":\"%s\",\"message\":", code);
    sb_json_str(body, msg);
    sb_add(body, "}}");
    return status;
}

static void set_status(service *s, const char *status) {
    LOG_INFO("Service status: %s -> %s", s->service_status, status);
    snprintf(s->service_status, sizeof s->service_status, "%s", status);
    ledger_append(&s->led, "service", "%s %.16s recovery_count=%d", status, s->node_id, s->recovery_count);
}

/* Applies an accepted proposal's actions; returns NULL or an error message. */
static const char *apply_proposal(service *s, proposal *p, const char *req_body, size_t req_len) {
    (void)req_body; (void)req_len;
    if (strstr(p->actions, ",transition_service_to_open,")) {
        if (!strcmp(s->service_status, "Opening")) {
            if (recovery_members(s) == 0) return "Service must have at least one recovery member";
            set_status(s, "Open");
        } else if (!strcmp(s->service_status, "Recovering")) {
            set_status(s, "WaitingForRecoveryShares");
        }
    }
    if (strstr(p->actions, ",set_scitt_configuration,"))
        ledger_append(&s->led, "scitt_configuration", "proposal=%s", p->id);
    return NULL;
}

/* Checks transition_service_to_open carries the right identities (first base64 line of each). */
static const char *check_identities(service *s, const char *req, size_t len) {
    char line[128];
    pem_first_line(s->service_pem, line, sizeof line);
    if (!memfind(req, len, line)) return "next_service_identity does not match this service's certificate";
    if (s->previous_service_pem) {
        pem_first_line(s->previous_service_pem, line, sizeof line);
        if (!memfind(req, len, line)) return "previous_service_identity does not match the recovered service's identity";
    }
    return NULL;
}

static int create_proposal(service *s, const char *req, size_t len, strbuf *body) {
    if (active_members(s) == 0)
        return error(body, 403, "AuthorizationFailed", "Caller is not an active member (activate with state-digests :update then :ack)");
    proposal p;
    memset(&p, 0, sizeof p);
    snprintf(p.actions, sizeof p.actions, ",");
    /* every action name the constitution defines that appears quoted in the body */
    char names[4096];
    snprintf(names, sizeof names, "%s", s->actions);
    for (char *save = NULL, *n = strtok_r(names, ",", &save); n; n = strtok_r(NULL, ",", &save)) {
        char quoted[140];
        snprintf(quoted, sizeof quoted, "\"%s\"", n);
        if (memfind(req, len, quoted) && strlen(p.actions) + strlen(n) + 2 < sizeof p.actions) {
            strcat(p.actions, n);
            strcat(p.actions, ",");
        }
    }
    if (!strcmp(p.actions, ","))
        return error(body, 400, "ProposalFailedToValidate",
                     "no action of the constitution found in the proposal (is the action defined by a constitution file?)");
    if (strstr(p.actions, ",transition_service_to_open,")) {
        const char *bad = check_identities(s, req, len);
        if (bad) return error(body, 400, "ProposalFailedToValidate", bad);
    }
    if (s->n_proposals >= MAX_PROPOSALS) return error(body, 507, "TooManyProposals", "stand-in proposal table full");
    char seed[80];
    snprintf(seed, sizeof seed, "%ld-%d", s->led.seqno, s->n_proposals);
    strbuf h = {0};
    sb_add(&h, "%s", seed);
    sha256_hex(h.s, h.len, p.id);
    free(h.s);
    snprintf(p.state, sizeof p.state, "Open");
    s->proposals[s->n_proposals++] = p;
    ledger_append(&s->led, "proposal", "%s Open %s", p.id, p.actions);
    sb_add(body, "{\"proposalId\":\"%s\",\"proposerId\":\"%s\",\"proposalState\":\"Open\",\"ballotCount\":0}",
           p.id, s->members[0].id);
    return 200;
}

static proposal *find_proposal(service *s, const char *id) {
    for (int i = 0; i < s->n_proposals; i++)
        if (!strcmp(s->proposals[i].id, id)) return &s->proposals[i];
    return NULL;
}

static int submit_ballot(service *s, const char *pid, const char *mid, const char *req, size_t len, strbuf *body) {
    member *m = find_member(s, mid);
    if (!m) return error(body, 404, "ResourceNotFound", "Member not found (member ids are the SHA-256 of the member certificate)");
    if (strcmp(m->status, "Active")) return error(body, 403, "AuthorizationFailed", "Member is not active");
    proposal *p = find_proposal(s, pid);
    if (!p) return error(body, 404, "ProposalNotFound", "Could not find proposal");
    if (strcmp(p->state, "Open")) return error(body, 400, "ProposalNotOpen", "Proposal is not open for voting");
    const char *bad = apply_proposal(s, p, req, len);
    snprintf(p->state, sizeof p->state, bad ? "Failed" : "Accepted");
    ledger_append(&s->led, "ballot", "%s %s %s", p->id, mid, p->state);
    sb_add(body, "{\"proposalId\":\"%s\",\"proposalState\":\"%s\",\"ballotCount\":1", p->id, p->state);
    if (bad) { sb_add(body, ",\"failure\":{\"reason\":"); sb_json_str(body, bad); sb_add(body, "}"); }
    sb_add(body, "}");
    return 200;
}

/* Extracts the "share" string of a JSON body embedded in a COSE payload. */
static int body_share(const char *req, size_t len, char *out, size_t n) {
    const char *p = memfind(req, len, "\"share\"");
    if (!p) return -1;
    p += 7;
    const char *end = req + len;
    while (p < end && (*p == ' ' || *p == ':')) p++;
    if (p >= end || *p != '"') return -1;
    p++;
    size_t k = 0;
    while (p < end && *p != '"' && k + 1 < n) out[k++] = *p++;
    out[k] = 0;
    return (p < end && *p == '"') ? 0 : -1;
}

static int submit_share(service *s, const char *mid, const char *req, size_t len, strbuf *body) {
    member *m = find_member(s, mid);
    if (!m) return error(body, 404, "ResourceNotFound", "Member not found (member ids are the SHA-256 of the member certificate)");
    if (strcmp(s->service_status, "WaitingForRecoveryShares"))
        return error(body, 403, "ServiceNotWaitingForRecoveryShares",
                     "Service is not waiting for recovery shares (accept transition_service_to_open first)");
    char b64[2048];
    size_t plain_len = 0;
    unsigned char *plain = NULL;
    if (body_share(req, len, b64, sizeof b64) || !(plain = b64_decode(b64, &plain_len)))
        return error(body, 400, "InvalidInput", "no base64 \"share\" in the request body");
    char hash[65];
    sha256_hex(plain, plain_len, hash);
    free(plain);
    if (strcmp(hash, m->share_hash))
        return error(body, 400, "InvalidRecoveryShare", "Submitted share does not decrypt the ledger secret (wrong share)");
    s->shares_submitted++;
    ledger_append(&s->led, "recovery_share_submitted", "%s", mid);
    sb_add(body, "{\"message\":\"%d/%d recovery shares successfully submitted.", s->shares_submitted, 1);
    sb_add(body, " End of recovery procedure initiated.\"}");
    /* recovery threshold: 1 (one recovery member, like our deployment) */
    ledger_finish_recovery(&s->led);
    snprintf(s->node_state, sizeof s->node_state, "PartOfNetwork");
    set_status(s, "Open");
    gov_issue_shares(s);    /* CCF re-keys the ledger secret and reissues shares after recovery */
    return 200;
}

static int node_routes(service *s, const char *path, strbuf *body) {
    if (!strcmp(path, "/node/state")) {
        sb_add(body, "{\"node_id\":\"%s\",\"state\":\"%s\",\"last_signed_seqno\":%ld,\"startup_seqno\":%ld}",
               s->node_id, s->node_state, s->led.seqno, s->startup_seqno);
        return 200;
    }
    if (!strcmp(path, "/node/network")) {
        sb_add(body, "{\"service_status\":\"%s\",\"service_certificate\":", s->service_status);
        sb_json_str(body, s->service_pem);
        sb_add(body, ",\"current_view\":%ld,\"primary_id\":\"%s\",\"recovery_count\":%d,\"service_data\":null,"
               "\"current_service_create_txid\":\"%ld.%ld\"}",
               s->led.view, s->node_id, s->recovery_count, s->led.view, s->startup_seqno + 1);
        return 200;
    }
    if (!strcmp(path, "/node/service/previous_identity")) {
        if (!s->previous_service_pem) return error(body, 404, "ResourceNotFound", "No previous service identity");
        sb_add(body, "{\"previous_service_identity\":");
        sb_json_str(body, s->previous_service_pem);
        sb_add(body, "}");
        return 200;
    }
    if (!strcmp(path, "/node/version")) {
        sb_add(body, "{\"ccf_version\":\"ccf-7.0.10\",\"quickjs_version\":\"stand-in\",\"unsafe\":false}");
        return 200;
    }
    if (!strcmp(path, "/version")) {
        sb_add(body, "{\"scitt_version\":\"chainfleet-e2e-stand-in\"}");
        return 200;
    }
    return 0;
}

int gov_route(service *s, const char *method, const char *target, const char *content_type,
              const char *req, size_t len, strbuf *body) {
    char path[1024], query[1024] = "";
    snprintf(path, sizeof path, "%s", target);
    char *q = strchr(path, '?');
    if (q) { snprintf(query, sizeof query, "%s", q + 1); *q = 0; }
    int get = !strcmp(method, "GET"), post = !strcmp(method, "POST");

    if (get) {
        int st = node_routes(s, path, body);
        if (st) return st;
    }
    if (strncmp(path, "/gov/", 5)) return error(body, 404, "ResourceNotFound", "Unknown path");
    if (!strstr(query, "api-version=" GOV_API_VERSION))
        return error(body, 400, "MissingApiVersionParameter", "/gov requires api-version=" GOV_API_VERSION " (CCF 7 removed the classic API)");
    char a[130], b[130];
    member *signer = NULL;
    if (post) {
        /* expected ccf.gov.msg.type per endpoint (CCF src/node/gov/handlers: acks.h, proposals.h, recovery.h), and whether the
         * policy is ActiveMemberCOSESign1AuthnPolicy */
        const char *want = NULL;
        int need_active = 0;
        if (sscanf(path, "/gov/members/state-digests/%129[^:]:%129s", a, b) == 2)
            want = !strcmp(b, "update") ? "state_digest" : !strcmp(b, "ack") ? "ack" : NULL;
        else if (!strcmp(path, "/gov/members/proposals:create")) { want = "proposal"; need_active = 1; }
        else if (sscanf(path, "/gov/members/proposals/%129[^/]/ballots/%129[^:]:submit", a, b) == 2) { want = "ballot"; need_active = 1; }
        else if (sscanf(path, "/gov/recovery/members/%129[^:]:recover", a) == 1) { want = "recovery_share"; need_active = 1; }
        if (!want) return error(body, 404, "ResourceNotFound", "Unknown governance path");
        if (!content_type || strcmp(content_type, "application/cose"))
            return error(body, 401, "InvalidAuthenticationInfo", "Content type is not set to application/cose");
        cose_msg m;
        const char *bad = cose_parse((const unsigned char *)req, len, &m);
        if (bad) return error(body, 401, "InvalidAuthenticationInfo", bad);
        signer = find_member(s, m.kid);
        if (!signer || !signer->cert_pem) return error(body, 401, "InvalidAuthenticationInfo", "Signer is not a known member");
        bad = cose_verify(&m, signer->cert_pem);
        if (bad) return error(body, 401, "InvalidAuthenticationInfo", bad);
        if (!m.msg_type[0] || strcmp(m.msg_type, want)) {
            char msg[200];
            snprintf(msg, sizeof msg, "Found ccf.gov.msg.type set to %s, expected ccf.gov.msg.type to be %s", m.msg_type[0] ? m.msg_type : "(missing)", want);
            return error(body, 401, "InvalidAuthenticationInfo", msg);
        }
        if (need_active && strcmp(signer->status, "Active"))
            return error(body, 401, "InvalidAuthenticationInfo", "Signer is not an ACTIVE member");
        if (!strcmp(want, "ballot")) {
            if (strcmp(b, signer->id)) return error(body, 400, "InvalidResourceName", "Authenticated member id does not match URL");
            if (strcmp(a, m.proposal_id)) return error(body, 400, "InvalidResourceName", "Authenticated proposal id does not match URL");
        } else if (strcmp(want, "proposal") && strcmp(a, signer->id)) {
            return error(body, 400, "InvalidAuthenticationInfo", "Member ID from path parameter does not match member ID from body signature");
        }
        req = (const char *)m.payload;   /* handlers read the signed content */
        len = m.payload_len;
    }

    if (post && sscanf(path, "/gov/members/state-digests/%129[^:]:%129s", a, b) == 2) {
        member *m = signer;
        if (!strcmp(b, "update")) {
            snprintf(m->state_digest, sizeof m->state_digest, "%064ld", s->led.seqno);
            sb_add(body, "{\"memberId\":\"%s\",\"stateDigest\":\"%s\"}", m->id, m->state_digest);
            return 200;
        }
        if (!strcmp(b, "ack")) {
            char want_digest[80];
            snprintf(want_digest, sizeof want_digest, "\"%s\"", m->state_digest);
            if (!m->state_digest[0]) return error(body, 403, "AuthorizationFailed", "No ACK record exists for member (call :update first)");
            if (!memfind(req, len, "\"stateDigest\"") || !memfind(req, len, want_digest))
                return error(body, 400, "StateDigestMismatch", "Submitted state digest is not valid");
            if (strcmp(m->status, "Active")) {
                snprintf(m->status, sizeof m->status, "Active");
                ledger_append(&s->led, "member", "%s Active", m->id);
            }
            return 204;
        }
    }
    if (post && !strcmp(path, "/gov/members/proposals:create")) return create_proposal(s, req, len, body);
    if (post && sscanf(path, "/gov/members/proposals/%129[^/]/ballots/%129[^:]:submit", a, b) == 2)
        return submit_ballot(s, a, b, req, len, body);
    if (get && sscanf(path, "/gov/members/proposals/%129s", a) == 1 && !strchr(a, '/')) {
        proposal *p = find_proposal(s, a);
        if (!p) return error(body, 404, "ProposalNotFound", "Could not find proposal");
        sb_add(body, "{\"proposalId\":\"%s\",\"proposalState\":\"%s\"}", p->id, p->state);
        return 200;
    }
    if (get && sscanf(path, "/gov/recovery/encrypted-shares/%129s", a) == 1) {
        member *m = find_member(s, a);
        if (!m || !m->share_b64) return error(body, 404, "ResourceNotFound", "Recovery share not found for member");
        sb_add(body, "{\"memberId\":\"%s\",\"encryptedShare\":\"%s\"}", m->id, m->share_b64);
        return 200;
    }
    if (post && sscanf(path, "/gov/recovery/members/%129[^:]:recover", a) == 1) return submit_share(s, a, req, len, body);
    if (get && !strcmp(path, "/gov/service/info")) {
        sb_add(body, "{\"status\":\"%s\",\"recoveryCount\":%d}", s->service_status, s->recovery_count);
        return 200;
    }
    return error(body, 404, "ResourceNotFound", "Unknown governance path");
}
