/* gov.h — service state of the cchost stand-in and the HTTP endpoints it answers:
 * /node/state, /node/network, /node/service/previous_identity, /node/version, /version and the
 * CCF 7 governance API (api-version=2024-07-01) that our entrypoint and pyscitt use:
 * member activation (state-digests :update/:ack), proposals:create, ballots :submit,
 * recovery encrypted-shares and members/{id}:recover.
 * Statuses follow CCF: Start → service Opening, node PartOfNetwork; transition_service_to_open
 * → Open. Recover → service Recovering, node PartOfPublicNetwork; the open proposal →
 * WaitingForRecoveryShares; the recovery threshold of shares → Open, node PartOfNetwork.
 * Every POST is authenticated as CCF's MemberCOSESign1AuthnPolicy does (cose.h): COSE Sign1 with
 * the member's certificate, the endpoint's ccf.gov.msg.type, and an ACTIVE signer where CCF asks for
 * one; handlers then read the signed payload. Proposal actions are found by searching the payload
 * for their quoted names (no JavaScript is run). */
#ifndef CCHOST_GOV_H
#define CCHOST_GOV_H

#include <stddef.h>

#include "ledger.h"
#include "util.h"

#define MAX_MEMBERS 8
#define MAX_PROPOSALS 128

typedef struct {
    char id[65];
    char status[16];          /* Accepted | Active */
    char *cert_pem;           /* member certificate (verifies its COSE Sign1 requests) */
    char state_digest[65];    /* set by state-digests :update, checked by :ack */
    char *enc_pub_b64;        /* base64 of the encryption public key PEM, or NULL */
    char *share_b64;          /* encrypted recovery share, base64 */
    char share_hash[65];      /* SHA-256 of the plain share */
} member;

typedef struct {
    char id[65];
    char state[16];           /* Open | Accepted */
    char actions[512];        /* ",a,b," */
} proposal;

typedef struct {
    ledger led;
    member members[MAX_MEMBERS];
    int n_members;
    char actions[4096];       /* actions defined by the constitution: ",a,b," */
    char service_status[32];
    char node_state[32];
    int recovery_count;
    long startup_seqno;
    char *service_pem;
    char *previous_service_pem;   /* Recover only */
    char ledger_service_fp[65];   /* fingerprint of the last service identity in the ledger */
    char node_id[65];
    proposal proposals[MAX_PROPOSALS];
    int n_proposals;
    int shares_submitted;
} service;

/* Reads a ledger entry during replay (ledger_cb). */
void gov_replay_entry(const char *type, char *payload, void *svc);
/* Adds the actions named in a constitution text (each `"name", new Action(`). */
void gov_scan_constitution(service *s, const char *text);
/* Issues a fresh recovery share to every member with an encryption key, and records it. */
void gov_issue_shares(service *s);
/* Answers one request; returns the HTTP status and fills body (JSON or empty). */
int gov_route(service *s, const char *method, const char *target, const char *content_type,
              const char *req_body, size_t req_len, strbuf *body);

#endif
