/* attributes.h - Compiler attributes shared by the runtime headers. */
#ifndef G4RT_BASE_ATTRIBUTES_H_
#define G4RT_BASE_ATTRIBUTES_H_

#if defined(__GNUC__) || defined(__clang__)
/* A result the caller must look at (statuses): ignoring one is a warning. */
#define G4RT_MUST_USE __attribute__((warn_unused_result))
/* printf-style argument checking for g4rt's own formatter (a printf subset). */
#define G4RT_PRINTF(fmt_index, args_index) \
  __attribute__((format(printf, fmt_index, args_index)))
#else
#define G4RT_MUST_USE
#define G4RT_PRINTF(fmt_index, args_index)
#endif

#endif /* G4RT_BASE_ATTRIBUTES_H_ */
