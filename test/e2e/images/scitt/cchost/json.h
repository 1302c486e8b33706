/* json.h — a tiny JSON reader for the cchost stand-in: enough to read a CCF host config
 * (objects, arrays, strings, numbers, booleans, null) and look values up by dotted path.
 * Not a general-purpose library: no writer, whole document in memory. */
#ifndef CCHOST_JSON_H
#define CCHOST_JSON_H

#include <stddef.h>

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;

typedef struct jnode {
    jtype type;
    char *key;            /* member name when inside an object */
    char *str;            /* J_STR value */
    double num;           /* J_NUM value */
    int boolean;          /* J_BOOL value */
    struct jnode *child;  /* first element / member of J_ARR / J_OBJ */
    struct jnode *next;   /* next sibling */
} jnode;

/* Parses text; returns NULL and fills err on a syntax error. */
jnode *json_parse(const char *text, char *err, size_t errlen);
/* Member of an object by name, or NULL. */
jnode *json_member(const jnode *obj, const char *key);
/* Node at a dotted path ("command.start.members"), or NULL. */
jnode *json_path(const jnode *root, const char *dotted);
/* String at a dotted path, or dflt when absent or not a string. */
const char *json_str(const jnode *root, const char *dotted, const char *dflt);

#endif
