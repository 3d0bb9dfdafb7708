/* fmath.c - libm-free float math (see fmath.h). */
#include "runtime/g4rt/base/fmath.h"

#include <math.h> /* INFINITY only: no libm call */
#include <stdint.h>
#include <string.h>

/* 2^k for k in [-126, 127]. */
static float exp2_int(int32_t k) {
  uint32_t bits = (uint32_t)(k + 127) << 23;
  float value;
  memcpy(&value, &bits, sizeof(value));
  return value;
}

float g4rt_expf(float x) {
  const float max_input = 88.72283935546875f, min_input = -104.0f;
  if (x != x) return x;
  if (x > max_input) return INFINITY;
  if (x < min_input) x = min_input;
  /* k = round(x / ln2) by adding and removing 1.5 * 2^23 (C never reassociates
   * float arithmetic without -ffast-math, which the runtime is not built with).
   */
  const float magic = 12582912.0f;
  float k = (x * 1.44269504088896341f + magic) - magic;
  float r = (x - k * 0.693359375f) - k * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float y = r * r * p + r + 1.0f;
  /* 2^k in two factors so k down to -150 (subnormal results) stays exact. */
  int32_t ki = (int32_t)k;
  int32_t half = ki / 2;
  return y * exp2_int(half) * exp2_int(ki - half);
}
