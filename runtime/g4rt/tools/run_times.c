/* run_times.c - The best and the median of a benchmark test's runs. */
#include "runtime/g4rt/tools/run_times.h"

#include <stdlib.h>

static int ascending(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double g4rt_run_times_median(double *values, int64_t count) {
  qsort(values, (size_t)count, sizeof(values[0]), ascending);
  return count % 2 != 0 ? values[count / 2]
                        : 0.5 * (values[count / 2 - 1] + values[count / 2]);
}

g4rt_run_times_t g4rt_run_times_summarize(double *seconds, int64_t count) {
  g4rt_run_times_t times;
  times.median = g4rt_run_times_median(seconds, count);
  times.best = seconds[0];
  return times;
}
