/* json.c — recursive-descent JSON reader for the cchost stand-in (see json.h). */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { const char *p; char *err; size_t errlen; } parser;

static jnode *parse_value(parser *ps);

static void skip_ws(parser *ps) {
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r') ps->p++;
}

static jnode *fail(parser *ps, const char *what) {
    if (ps->err && !ps->err[0]) snprintf(ps->err, ps->errlen, "%s near '%.20s'", what, ps->p);
    return NULL;
}

static jnode *new_node(jtype t) {
    jnode *n = calloc(1, sizeof *n);
    if (!n) { perror("calloc"); exit(1); }
    n->type = t;
    return n;
}

/* Appends the UTF-8 encoding of a BMP code point. */
static size_t put_utf8(char *out, unsigned cp) {
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) { out[0] = (char)(0xC0 | (cp >> 6)); out[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
    out[0] = (char)(0xE0 | (cp >> 12)); out[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

static char *parse_string_raw(parser *ps) {
    if (*ps->p != '"') { fail(ps, "expected string"); return NULL; }
    ps->p++;
    size_t cap = strlen(ps->p) + 1, n = 0;
    char *out = malloc(cap);
    if (!out) { perror("malloc"); exit(1); }
    while (*ps->p && *ps->p != '"') {
        char c = *ps->p++;
        if (c != '\\') { out[n++] = c; continue; }
        char e = *ps->p++;
        switch (e) {
        case '"': out[n++] = '"'; break;
        case '\\': out[n++] = '\\'; break;
        case '/': out[n++] = '/'; break;
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'u': {
            unsigned cp = 0;
            for (int i = 0; i < 4; i++) {
                char h = *ps->p++;
                cp <<= 4;
                if (h >= '0' && h <= '9') cp |= (unsigned)(h - '0');
                else if (h >= 'a' && h <= 'f') cp |= (unsigned)(h - 'a' + 10);
                else if (h >= 'A' && h <= 'F') cp |= (unsigned)(h - 'A' + 10);
                else { free(out); fail(ps, "bad \\u escape"); return NULL; }
            }
            n += put_utf8(out + n, cp);
            break;
        }
        default: free(out); fail(ps, "bad escape"); return NULL;
        }
    }
    if (*ps->p != '"') { free(out); fail(ps, "unterminated string"); return NULL; }
    ps->p++;
    out[n] = 0;
    return out;
}

static jnode *parse_container(parser *ps, int is_obj) {
    jnode *n = new_node(is_obj ? J_OBJ : J_ARR), *last = NULL;
    char close = is_obj ? '}' : ']';
    ps->p++;
    skip_ws(ps);
    if (*ps->p == close) { ps->p++; return n; }
    for (;;) {
        char *key = NULL;
        skip_ws(ps);
        if (is_obj) {
            if (!(key = parse_string_raw(ps))) return NULL;
            skip_ws(ps);
            if (*ps->p != ':') return fail(ps, "expected ':'");
            ps->p++;
        }
        jnode *v = parse_value(ps);
        if (!v) return NULL;
        v->key = key;
        if (last) last->next = v; else n->child = v;
        last = v;
        skip_ws(ps);
        if (*ps->p == ',') { ps->p++; continue; }
        if (*ps->p == close) { ps->p++; return n; }
        return fail(ps, is_obj ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static jnode *parse_value(parser *ps) {
    skip_ws(ps);
    const char *p = ps->p;
    if (*p == '{') return parse_container(ps, 1);
    if (*p == '[') return parse_container(ps, 0);
    if (*p == '"') {
        jnode *n = new_node(J_STR);
        if (!(n->str = parse_string_raw(ps))) return NULL;
        return n;
    }
    if (!strncmp(p, "true", 4)) { ps->p += 4; jnode *n = new_node(J_BOOL); n->boolean = 1; return n; }
    if (!strncmp(p, "false", 5)) { ps->p += 5; return new_node(J_BOOL); }
    if (!strncmp(p, "null", 4)) { ps->p += 4; return new_node(J_NULL); }
    if (*p == '-' || (*p >= '0' && *p <= '9')) {
        char *end;
        jnode *n = new_node(J_NUM);
        n->num = strtod(p, &end);
        ps->p = end;
        return n;
    }
    return fail(ps, "unexpected character");
}

jnode *json_parse(const char *text, char *err, size_t errlen) {
    parser ps = { text, err, errlen };
    if (err && errlen) err[0] = 0;
    jnode *root = parse_value(&ps);
    if (!root) return NULL;
    skip_ws(&ps);
    if (*ps.p) return fail(&ps, "trailing characters");
    return root;
}

jnode *json_member(const jnode *obj, const char *key) {
    if (!obj || obj->type != J_OBJ) return NULL;
    for (jnode *c = obj->child; c; c = c->next)
        if (c->key && !strcmp(c->key, key)) return c;
    return NULL;
}

jnode *json_path(const jnode *root, const char *dotted) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", dotted);
    const jnode *cur = root;
    for (char *save = NULL, *tok = strtok_r(buf, ".", &save); tok && cur; tok = strtok_r(NULL, ".", &save))
        cur = json_member(cur, tok);
    return (jnode *)cur;
}

const char *json_str(const jnode *root, const char *dotted, const char *dflt) {
    jnode *n = json_path(root, dotted);
    return (n && n->type == J_STR) ? n->str : dflt;
}
