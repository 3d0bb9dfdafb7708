/* Sweeps the inline exp/sin/cos that g4-math-inline-libm generates (linked in as
 * g4_exp, g4_sin, g4_cos) against the double-precision libm rounded to float, and
 * prints the largest error in units in the last place of each. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

float g4_exp(float);
float g4_sin(float);
float g4_cos(float);

static double ulp_error(float got, double want) {
  float rounded = (float)want;
  if (isnan(rounded)) return isnan(got) ? 0.0 : INFINITY;
  if (isinf(rounded)) return got == rounded ? 0.0 : INFINITY;
  float next = nextafterf(fabsf(rounded), INFINITY);
  double ulp = (double)next - (double)fabsf(rounded);
  return fabs((double)got - want) / ulp;
}

static uint32_t state = 12345u;
static float uniform(float lo, float hi) {
  state = state * 1664525u + 1013904223u;
  return lo + (hi - lo) * (float)(state >> 8) / (float)(1u << 24);
}

int main(void) {
  double worst_exp = 0, worst_sin = 0, worst_cos = 0;
  float at_exp = 0, at_sin = 0, at_cos = 0;
  for (int i = 0; i < 2000000; ++i) {
    float x = uniform(-103.0f, 88.7f);
    double e = ulp_error(g4_exp(x), exp((double)x));
    if (e > worst_exp) { worst_exp = e; at_exp = x; }
  }
  /* RoPE angles: position * inverse frequency, up to 131072 positions. */
  for (int i = 0; i < 2000000; ++i) {
    float x = i % 2 ? uniform(-131072.0f, 131072.0f) : uniform(-8.0f, 8.0f);
    double s = ulp_error(g4_sin(x), sin((double)x));
    double c = ulp_error(g4_cos(x), cos((double)x));
    if (s > worst_sin) { worst_sin = s; at_sin = x; }
    if (c > worst_cos) { worst_cos = c; at_cos = x; }
  }
  printf("exp max error %.3f ulp at %.9g\n", worst_exp, at_exp);
  printf("sin max error %.3f ulp at %.9g\n", worst_sin, at_sin);
  printf("cos max error %.3f ulp at %.9g\n", worst_cos, at_cos);
  int ok = worst_exp <= 2.0 && worst_sin <= 1.0 && worst_cos <= 1.0;
  /* Edges: overflow, underflow to zero, NaN and infinities. */
  ok &= isinf(g4_exp(89.0f)) && g4_exp(-120.0f) == 0.0f && isnan(g4_exp(NAN));
  ok &= isinf(g4_exp(INFINITY)) && g4_exp(-INFINITY) == 0.0f && g4_exp(0.0f) == 1.0f;
  ok &= isnan(g4_sin(INFINITY)) && isnan(g4_cos(-INFINITY)) && isnan(g4_sin(NAN));
  ok &= g4_sin(0.0f) == 0.0f && g4_cos(0.0f) == 1.0f;
  printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
