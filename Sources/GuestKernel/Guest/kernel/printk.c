/* A small printf over semihosting SYS_WRITE0 (line-buffered).
 * %s pads on the right (left-justified), numbers pad on the left. */
#include <stdarg.h>

#include "pb/kernel.h"

#define PB_PRINTF_BUF 256

struct out {
    char buf[PB_PRINTF_BUF];
    unsigned int len;
};

static void flush(struct out *o)
{
    if (o->len) {
        o->buf[o->len] = '\0';
        pb_semihost_write0(o->buf);
        o->len = 0;
    }
}

static void put(struct out *o, char c)
{
    if (o->len == PB_PRINTF_BUF - 1)
        flush(o);
    o->buf[o->len++] = c;
    if (c == '\n')
        flush(o);
}

static void put_unsigned(struct out *o, u64 v, unsigned int base, int width, char pad)
{
    char digits[24];
    int n = 0;

    do {
        unsigned int d = v % base;
        digits[n++] = d < 10 ? '0' + d : 'a' + d - 10;
        v /= base;
    } while (v);
    while (width-- > n)
        put(o, pad);
    while (n)
        put(o, digits[--n]);
}

void pb_printf(const char *fmt, ...)
{
    struct out o = { .len = 0 };
    va_list ap;

    va_start(ap, fmt);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            put(&o, *p);
            continue;
        }
        p++;
        char pad = ' ';
        int width = 0;
        bool is_long = false;
        if (*p == '-') /* strings are always left-justified; numbers never are */
            p++;
        if (*p == '0') {
            pad = '0';
            p++;
        }
        while (*p >= '0' && *p <= '9')
            width = width * 10 + (*p++ - '0');
        if (*p == 'l') {
            is_long = true;
            p++;
        }
        switch (*p) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            int n = (int)strlen(s);
            for (const char *q = s; *q; q++)
                put(&o, *q);
            while (width-- > n)
                put(&o, ' ');
            break;
        }
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case 'd': {
            s64 v = is_long ? va_arg(ap, long) : va_arg(ap, int);
            if (v < 0) {
                put(&o, '-');
                put_unsigned(&o, -(u64)v, 10, width ? width - 1 : 0, pad);
            } else {
                put_unsigned(&o, (u64)v, 10, width, pad);
            }
            break;
        }
        case 'u':
            put_unsigned(&o, is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int), 10,
                         width, pad);
            break;
        case 'x':
            put_unsigned(&o, is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int), 16,
                         width, pad);
            break;
        case '%':
            put(&o, '%');
            break;
        default:
            put(&o, '?');
            break;
        }
    }
    va_end(ap);
    flush(&o);
}
