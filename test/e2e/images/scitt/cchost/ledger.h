/* ledger.h — the stand-in's ledger directory, laid out with CCF's file names
 * (CCF src/host/ledger_filenames.h: "ledger_<start>" for the open chunk,
 * "ledger_<start>-<end>.committed" for a closed one, ".recovery" suffix while a recovery is
 * in progress). Entries are text lines "<view>.<seqno> <type> <payload>", not CCF's binary
 * serialised, encrypted transactions. */
#ifndef CCHOST_LEDGER_H
#define CCHOST_LEDGER_H

typedef struct {
    char dir[4096];
    long view;
    long seqno;         /* last seqno written or replayed */
    long chunk_start;   /* first seqno of the open chunk */
    int chunk_entries;
    int recovering;     /* new chunks carry the ".recovery" suffix */
} ledger;

typedef void (*ledger_cb)(const char *type, char *payload, void *ctx);

/* Starts an empty ledger in dir (created if missing). */
int ledger_init(ledger *l, const char *dir);
/* Replays the chunk files of dir in seqno order through cb; returns the number of entries,
 * -1 on error. Files with ".recovery" (a recovery that never finished) are skipped. */
int ledger_replay(ledger *l, const char *dir, ledger_cb cb, void *ctx);
/* Appends one entry (fsynced); closes the chunk as ".committed" every few entries. */
int ledger_append(ledger *l, const char *type, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Ends a recovery: drops the ".recovery" suffix from the chunks written during it. */
void ledger_finish_recovery(ledger *l);

#endif
