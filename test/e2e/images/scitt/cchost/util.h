/* util.h — small helpers shared by the cchost stand-in: logging in CCF's text style, files,
 * a growable string, SHA-256 / base64 (OpenSSL) and running a program without a shell. */
#ifndef CCHOST_UTIL_H
#define CCHOST_UTIL_H

#include <stddef.h>

void log_msg(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define LOG_INFO(...) log_msg("info ", __VA_ARGS__)
#define LOG_FAIL(...) log_msg("fail ", __VA_ARGS__)
#define LOG_FATAL(...) log_msg("fatal", __VA_ARGS__)

/* Whole file as a NUL-terminated buffer (len optional); NULL if unreadable. */
char *read_file(const char *path, size_t *len);
/* Writes (truncates) a file; 0 on success. */
int write_file(const char *path, const char *data, size_t len);
int path_exists(const char *path);
/* 1 if path is a directory holding at least one entry. */
int dir_nonempty(const char *path);
int mkdir_p(const char *path);

typedef struct { char *s; size_t len, cap; } strbuf;
void sb_add(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal (with quotes). */
void sb_json_str(strbuf *b, const char *s);

void sha256_hex(const void *data, size_t len, char out[65]);
char *b64_encode(const unsigned char *data, size_t len);
/* Decodes standard base64; returns NULL on bad input. */
unsigned char *b64_decode(const char *text, size_t *out_len);

/* Runs argv[0] with argv (PATH lookup), stdout/stderr to /dev/null unless verbose; returns exit code. */
int run_prog(char *const argv[]);

/* Finds needle in a binary buffer. */
const char *memfind(const char *hay, size_t haylen, const char *needle);

#endif
