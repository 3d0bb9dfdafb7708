/* run_times.c - The best and the median of a benchmark test's run times. */
#include "runtime/g4rt/tools/run_times.h"

#include <stdlib.h>

static int by_seconds(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

g4rt_run_times_t g4rt_run_times_summarize(double *seconds, int64_t count) {
  qsort(seconds, (size_t)count, sizeof(seconds[0]), by_seconds);
  g4rt_run_times_t times;
  times.best = seconds[0];
  times.median = count % 2 != 0
                     ? seconds[count / 2]
                     : 0.5 * (seconds[count / 2 - 1] + seconds[count / 2]);
  return times;
}
