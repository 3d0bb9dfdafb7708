/* fmath.h - The float math the runtime needs, without libm.
 *
 * The firmware library may link against nothing but memcpy and memset, so the
 * runtime carries its own exp (the sampler's softmax). Same algorithm as the
 * compiled code's (passes/Codegen/InlineLibm.cpp): Cody-Waite reduction by ln2
 * and a degree-6 polynomial, within 1 ulp of the correctly rounded result.
 */
#ifndef G4RT_BASE_FMATH_H_
#define G4RT_BASE_FMATH_H_

#ifdef __cplusplus
extern "C" {
#endif

/* e^x for every float: +inf above 88.7228, 0 below -104, NaN for NaN. */
float g4rt_expf(float x);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* G4RT_BASE_FMATH_H_ */
