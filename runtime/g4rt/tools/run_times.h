/* run_times.h - The best and the median of a benchmark test's runs.
 *
 * g4rt_bench times each test several times. The best run is the test's result
 * (the host's quietest moment, as the probes' best samples are); the median
 * says how steady the host was. Both come from one sort of the run times. A
 * decode run's bandwidth against the read probe taken right before it is
 * summarised by its median too.
 */
#ifndef G4RT_TOOLS_RUN_TIMES_H_
#define G4RT_TOOLS_RUN_TIMES_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct g4rt_run_times_t {
  double best;   /* the shortest time */
  double median; /* the middle time; the mean of the middle two for an even
                    count */
} g4rt_run_times_t;

/* Sorts |seconds[0 .. count)| ascending and returns its best and median.
 * |count| must be at least 1. */
g4rt_run_times_t g4rt_run_times_summarize(double *seconds, int64_t count);

/* The median of |values[0 .. count)| (the mean of the middle two for an even
 * count), sorting them ascending. |count| must be at least 1. */
double g4rt_run_times_median(double *values, int64_t count);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_TOOLS_RUN_TIMES_H_ */
