/* ledger.c — the stand-in's ledger chunks (see ledger.h). */
#include "ledger.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define CHUNK_ENTRIES 4

static void chunk_path(const ledger *l, char *out, size_t n) {
    snprintf(out, n, "%s/ledger_%ld%s", l->dir, l->chunk_start, l->recovering ? ".recovery" : "");
}

int ledger_init(ledger *l, const char *dir) {
    memset(l, 0, sizeof *l);
    snprintf(l->dir, sizeof l->dir, "%s", dir);
    l->view = 1;
    l->chunk_start = 1;
    return mkdir_p(dir);
}

typedef struct { long start; char name[256]; } chunk;

static int by_start(const void *a, const void *b) {
    long x = ((const chunk *)a)->start, y = ((const chunk *)b)->start;
    return (x > y) - (x < y);
}

int ledger_replay(ledger *l, const char *dir, ledger_cb cb, void *ctx) {
    memset(l, 0, sizeof *l);
    snprintf(l->dir, sizeof l->dir, "%s", dir);
    DIR *d = opendir(dir);
    if (!d) return -1;
    chunk chunks[4096];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 4096) {
        long start, end;
        char tail[64] = "";
        if (strncmp(e->d_name, "ledger_", 7)) continue;
        if (strstr(e->d_name, ".recovery") || strstr(e->d_name, ".ignored")) {
            LOG_FAIL("Ignoring ledger file %s (written by a recovery that did not complete)", e->d_name);
            continue;
        }
        int k = sscanf(e->d_name, "ledger_%ld-%ld%63s", &start, &end, tail);
        if (k < 1) continue;
        chunks[n].start = start;
        snprintf(chunks[n].name, sizeof chunks[n].name, "%s", e->d_name);
        n++;
    }
    closedir(d);
    qsort(chunks, (size_t)n, sizeof *chunks, by_start);
    int entries = 0;
    for (int i = 0; i < n; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, chunks[i].name);
        char *text = read_file(path, NULL);
        if (!text) return -1;
        for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            long view, seqno;
            char type[64];
            int off = 0;
            if (sscanf(line, "%ld.%ld %63s %n", &view, &seqno, type, &off) < 3) continue;
            l->view = view;
            l->seqno = seqno;
            cb(type, line + off, ctx);
            entries++;
        }
        free(text);
    }
    l->chunk_start = l->seqno + 1;
    return entries;
}

int ledger_append(ledger *l, const char *type, const char *fmt, ...) {
    char payload[16384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(payload, sizeof payload, fmt, ap);
    va_end(ap);
    l->seqno++;
    char path[4400];
    chunk_path(l, path, sizeof path);
    FILE *f = fopen(path, "a");
    if (!f) { LOG_FAIL("cannot append to %s", path); return -1; }
    fprintf(f, "%ld.%ld %s %s\n", l->view, l->seqno, type, payload);
    fflush(f);
    fclose(f);
    if (++l->chunk_entries >= CHUNK_ENTRIES && !l->recovering) {
        char done[4400];
        snprintf(done, sizeof done, "%s/ledger_%ld-%ld.committed", l->dir, l->chunk_start, l->seqno);
        rename(path, done);
        l->chunk_start = l->seqno + 1;
        l->chunk_entries = 0;
    }
    return 0;
}

void ledger_finish_recovery(ledger *l) {
    if (!l->recovering) return;
    char from[4400], to[4400];
    chunk_path(l, from, sizeof from);
    l->recovering = 0;
    chunk_path(l, to, sizeof to);
    if (path_exists(from)) rename(from, to);
}
