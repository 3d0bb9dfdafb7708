/* format.c - The stdio-free printf subset (see format.h). */
#include "runtime/g4rt/base/format.h"

#include <stdint.h>

/* Output cursor: counts every character, stores those that fit. */
typedef struct g4rt_sink_t {
  char *buffer;
  size_t capacity;
  size_t length;
} g4rt_sink_t;

static void sink_put(g4rt_sink_t *sink, char c) {
  if (sink->length + 1 < sink->capacity) sink->buffer[sink->length] = c;
  ++sink->length;
}

static void sink_puts(g4rt_sink_t *sink, const char *s) {
  while (*s) sink_put(sink, *s++);
}

static void sink_unsigned(g4rt_sink_t *sink, unsigned long long value,
                          unsigned base) {
  char digits[24];
  int count = 0;
  do {
    unsigned digit = (unsigned)(value % base);
    digits[count++] = (char)(digit < 10 ? '0' + digit : 'a' + digit - 10);
    value /= base;
  } while (value != 0);
  while (count > 0) sink_put(sink, digits[--count]);
}

static void sink_signed(g4rt_sink_t *sink, long long value) {
  if (value < 0) {
    sink_put(sink, '-');
    /* Negate in unsigned arithmetic so LLONG_MIN is fine. */
    sink_unsigned(sink, 0ull - (unsigned long long)value, 10);
  } else {
    sink_unsigned(sink, (unsigned long long)value, 10);
  }
}

static void sink_double(g4rt_sink_t *sink, double value) {
  if (value != value) {
    sink_puts(sink, "nan");
    return;
  }
  if (value < 0) {
    sink_put(sink, '-');
    value = -value;
  }
  if (value > 1.7976931348623157e308) {
    sink_puts(sink, "inf");
    return;
  }
  if (value >= 1e15) {
    sink_puts(sink, "big");
    return;
  }
  unsigned long long integer = (unsigned long long)value;
  unsigned long long micros =
      (unsigned long long)((value - (double)integer) * 1e6 + 0.5);
  if (micros >= 1000000ull) {
    ++integer;
    micros -= 1000000ull;
  }
  sink_unsigned(sink, integer, 10);
  if (micros == 0) return;
  char decimals[6];
  for (int i = 5; i >= 0; --i) {
    decimals[i] = (char)('0' + micros % 10);
    micros /= 10;
  }
  int last = 5;
  while (decimals[last] == '0') --last;
  sink_put(sink, '.');
  for (int i = 0; i <= last; ++i) sink_put(sink, decimals[i]);
}

typedef enum {
  kLengthNone,
  kLengthLong,
  kLengthLongLong,
  kLengthSize
} length_t;

size_t g4rt_vformat(char *buffer, size_t capacity, const char *format,
                    va_list args) {
  g4rt_sink_t sink = {buffer, capacity, 0};
  for (const char *p = format; *p; ++p) {
    if (*p != '%') {
      sink_put(&sink, *p);
      continue;
    }
    const char *start = p++;
    length_t length = kLengthNone;
    if (*p == 'l' && p[1] == 'l') {
      length = kLengthLongLong;
      p += 2;
    } else if (*p == 'l') {
      length = kLengthLong;
      ++p;
    } else if (*p == 'z') {
      length = kLengthSize;
      ++p;
    }
    switch (*p) {
      case '%':
        sink_put(&sink, '%');
        break;
      case 'c':
        sink_put(&sink, (char)va_arg(args, int));
        break;
      case 's': {
        const char *s = va_arg(args, const char *);
        sink_puts(&sink, s ? s : "(null)");
        break;
      }
      case 'd':
      case 'i': {
        long long value;
        switch (length) {
          case kLengthLong:
            value = va_arg(args, long);
            break;
          case kLengthLongLong:
            value = va_arg(args, long long);
            break;
          case kLengthSize:
            value = (long long)va_arg(args, ptrdiff_t);
            break;
          default:
            value = va_arg(args, int);
            break;
        }
        sink_signed(&sink, value);
        break;
      }
      case 'u':
      case 'x': {
        unsigned long long value;
        switch (length) {
          case kLengthLong:
            value = va_arg(args, unsigned long);
            break;
          case kLengthLongLong:
            value = va_arg(args, unsigned long long);
            break;
          case kLengthSize:
            value = va_arg(args, size_t);
            break;
          default:
            value = va_arg(args, unsigned);
            break;
        }
        sink_unsigned(&sink, value, *p == 'x' ? 16u : 10u);
        break;
      }
      case 'f':
        sink_double(&sink, va_arg(args, double));
        break;
      default:
        /* Unsupported: copy the directive through and consume nothing. */
        for (const char *q = start; q <= p && *q; ++q) sink_put(&sink, *q);
        if (*p == '\0') --p; /* the format ended inside the directive */
        break;
    }
  }
  if (capacity > 0) {
    buffer[sink.length < capacity ? sink.length : capacity - 1] = '\0';
  }
  return sink.length;
}

size_t g4rt_format(char *buffer, size_t capacity, const char *format, ...) {
  va_list args;
  va_start(args, format);
  size_t length = g4rt_vformat(buffer, capacity, format, args);
  va_end(args);
  return length;
}

void g4rt_format_append(char *buffer, size_t capacity, size_t *length,
                        const char *format, ...) {
  va_list args;
  va_start(args, format);
  if (*length < capacity) {
    *length += g4rt_vformat(buffer + *length, capacity - *length, format, args);
  } else {
    *length += g4rt_vformat(NULL, 0, format, args);
  }
  va_end(args);
}
