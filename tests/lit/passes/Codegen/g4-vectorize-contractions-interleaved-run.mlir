// The interleaved packed microkernels run: g4-vectorize-contractions on q8_0x8 and
// q4_0x8 contractions (8 weight rows per group, one output per lane), lowered to LLVM and
// executed by mlir-runner. The data (Inputs/interleaved_kernel_data.py, which lays the
// groups out independently of the compiler) quantise exactly, so every idiom of the
// 4-byte dot products, scales converted natively or decoded by integers, one or two
// groups per tile and the f32-activation kernel must print the exact products (times 2,
// as integers): 5 x 24 outputs over K = 96 in k blocks of 64 and 32, a 4-row tile, a
// leftover group (lanes=16: tiles of two) and a leftover row. Row 3 alone (a one-row x,
// as decode's: the k blocks run inside each group, x quantised once over all of k) must
// give the same products.
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=generic" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q8 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q8
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=generic native-f16=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q8 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q8
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=16 tile-rows=4 tile-cols=4 row-tile-cols=8 k-block=64 m-block=8 int8-dot=generic native-f16=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q8 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q8
// RUN: %if host-avx2 %{ g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=x86-maddubs native-f16=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q8 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q8 %}
// RUN: %if host-vnni %{ g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=x86-vnni native-f16=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q8 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q8 %}
// RUN: %if host-vnni %{ g4-opt %s --g4-vectorize-contractions="lanes=16 tile-rows=4 tile-cols=4 row-tile-cols=8 k-block=64 m-block=8 int8-dot=x86-vnni native-f16=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q8 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q8 %}
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 quantize-activations=false" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q8 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q8
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=16 tile-rows=4 tile-cols=4 row-tile-cols=8 k-block=64 m-block=8 quantize-activations=false native-f16=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q8 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q8
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=generic" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q4 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q4
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=generic native-f16=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q4 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q4
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=16 tile-rows=4 tile-cols=4 row-tile-cols=8 k-block=64 m-block=8 int8-dot=generic native-f16=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q4 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q4
// RUN: %if host-avx2 %{ g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=x86-maddubs native-f16=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q4 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q4 %}
// RUN: %if host-vnni %{ g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=x86-vnni native-f16=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q4 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q4 %}
// RUN: %if host-vnni %{ g4-opt %s --g4-vectorize-contractions="lanes=16 tile-rows=4 tile-cols=4 row-tile-cols=8 k-block=64 m-block=8 int8-dot=x86-vnni native-f16=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q4 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q4 %}
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 quantize-activations=false" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q4 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q4
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=16 tile-rows=4 tile-cols=4 row-tile-cols=8 k-block=64 m-block=8 quantize-activations=false native-f16=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q4 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q4
// Decode partners (decode-partners=true): "quad" computes four contractions of row 3, by
// groups 2, 1, 0 and 2 of the weights (g4-outline-parallel-tasks' weight-parts=4 gives
// such parts of one matrix), as one kernel of four streams: each must print row 3's
// products of its group. "pair" computes two contractions of row 3 by
// groups 0-1 and 1-2 of the weights, which the pass joins into one kernel that reads both
// as two streams; every configuration must print the same products as one at a time.
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=generic decode-partners=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q8 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q8
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=16 tile-rows=4 tile-cols=4 row-tile-cols=8 k-block=64 m-block=8 int8-dot=generic native-f16=true decode-partners=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q8 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q8
// RUN: %if host-avx2 %{ g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=x86-maddubs native-f16=true decode-partners=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q8 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q8 %}
// RUN: %if host-vnni %{ g4-opt %s --g4-vectorize-contractions="lanes=16 tile-rows=4 tile-cols=4 row-tile-cols=8 k-block=64 m-block=8 int8-dot=x86-vnni native-f16=true decode-partners=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q8 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q8 %}
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 quantize-activations=false decode-partners=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q8 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q8
// RUN: %if host-vnni %{ g4-opt %s --g4-prequantize-activations --g4-vectorize-contractions="lanes=16 tile-rows=4 tile-cols=4 row-tile-cols=8 k-block=64 m-block=8 int8-dot=x86-vnni native-f16=true decode-partners=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q8 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q8 %}
// RUN: g4-opt %s --g4-prequantize-activations --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=generic decode-partners=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q8 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q8
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=generic decode-partners=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q4 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q4
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=16 tile-rows=4 tile-cols=4 row-tile-cols=8 k-block=64 m-block=8 int8-dot=generic native-f16=true decode-partners=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q4 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q4
// RUN: %if host-avx2 %{ g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=x86-maddubs native-f16=true decode-partners=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q4 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q4 %}
// RUN: %if host-vnni %{ g4-opt %s --g4-vectorize-contractions="lanes=16 tile-rows=4 tile-cols=4 row-tile-cols=8 k-block=64 m-block=8 int8-dot=x86-vnni native-f16=true decode-partners=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q4 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q4 %}
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 quantize-activations=false decode-partners=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q4 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q4
// RUN: %if host-vnni %{ g4-opt %s --g4-prequantize-activations --g4-vectorize-contractions="lanes=16 tile-rows=4 tile-cols=4 row-tile-cols=8 k-block=64 m-block=8 int8-dot=x86-vnni native-f16=true decode-partners=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q4 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q4 %}
// RUN: g4-opt %s --g4-prequantize-activations --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=generic decode-partners=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q4 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q4
// The same with x quantised ahead of the kernel (g4-prequantize-activations): the
// kernels read the quanta and scales in place and must print the same products.
// RUN: g4-opt %s --g4-prequantize-activations --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=generic" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q8 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q8
// RUN: %if host-avx2 %{ g4-opt %s --g4-prequantize-activations --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=x86-maddubs native-f16=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q8 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q8 %}
// RUN: %if host-vnni %{ g4-opt %s --g4-prequantize-activations --g4-vectorize-contractions="lanes=16 tile-rows=4 tile-cols=4 row-tile-cols=8 k-block=64 m-block=8 int8-dot=x86-vnni native-f16=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q8 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q8 %}
// RUN: g4-opt %s --g4-prequantize-activations --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=generic" --g4-vectorize-row-reductions --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q4 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q4
// RUN: %if host-avx2 %{ g4-opt %s --g4-prequantize-activations --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=x86-maddubs native-f16=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q4 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q4 %}
// RUN: %if host-vnni %{ g4-opt %s --g4-prequantize-activations --g4-vectorize-contractions="lanes=16 tile-rows=4 tile-cols=4 row-tile-cols=8 k-block=64 m-block=8 int8-dot=x86-vnni native-f16=true" --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --convert-ub-to-llvm --reconcile-unrealized-casts | %mlir_runner -e q4 -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s --check-prefix=Q4 %}

// The kernel's shape: vector<8xf32> accumulators written back 8 outputs at a time (no
// lane sums), per block the 8 scales in one conversion, x's quantised bytes broadcast 4
// at a time, and the stored offset (128) removed by starting the block's dot from
// -128 times its x sum, computed once when x is quantised: no per-block subtraction.
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=x86-vnni native-f16=true" | FileCheck %s --check-prefix=IR
// IR-LABEL: func.func @q8(
// IR:         memref.alloca() {alignment = 32 : i64} : memref<5x64xi8>
// IR:         memref.alloca() : memref<5x2xi32>
// IR:         vector.reduction <add>, %{{.+}} : vector<32xi32> into i32
// IR:         arith.muli %{{.+}}, %c-128_i32 : i32
// IR:         scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args({{.+}}) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// IR:           %[[SCALES:.+]] = vector.bitcast %{{.+}} : vector<16xi8> to vector<8xf16>
// IR-NEXT:      arith.extf %[[SCALES]] : vector<8xf16> to vector<8xf32>
// IR:           %[[START:.+]] = vector.broadcast %{{.+}} : i32 to vector<8xi32>
// IR:           vector.bitcast %{{.+}} : vector<4xi8> to vector<1xi32>
// IR:           llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"(%[[START]],
// IR-NOT:       arith.subi %{{.+}}, %{{.+}} : vector<8xi32>
// IR:           arith.sitofp %{{.+}} : vector<8xi32> to vector<8xf32>
// IR:           vector.fma
// IR-NOT:     vector.reduction <add>, %{{.+}} : vector<8xf32>
// IR:         vector.store %{{.+}}, %{{.+}}[%{{.+}}, %{{.+}}, %{{.+}}] : memref<5x3x8xf32>, vector<8xf32>

// The pair's kernel: one loop over both matrices' groups, two accumulators, each
// block's x quanta broadcast once for both; without decode-partners, a loop each.
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=x86-vnni native-f16=true decode-partners=true" | FileCheck %s --check-prefix=PAIR
// RUN: g4-opt %s --g4-vectorize-contractions="lanes=8 tile-rows=4 tile-cols=3 row-tile-cols=8 k-block=64 m-block=8 int8-dot=x86-vnni native-f16=true" | FileCheck %s --check-prefix=ALONE
// PAIR-LABEL: func.func @q4_pair(
// PAIR-NOT:     -> (vector<8xf32>) {
// PAIR:         scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args({{.+}}) -> (vector<8xf32>, vector<8xf32>) {
// PAIR:           vector.load %[[W1:.+]][%{{.+}}, %{{.+}}] : memref<2x432xi8, strided<[432, 1]>>, vector<16xi8>
// PAIR:           vector.load %[[W2:.+]][%{{.+}}, %{{.+}}] : memref<2x432xi8, strided<[432, 1], offset: 432>>, vector<16xi8>
// PAIR-COUNT-8:   vector.broadcast %{{.+}} : vector<1xi32> to vector<8xi32>
// PAIR-NOT:       vector.broadcast %{{.+}} : vector<1xi32> to vector<8xi32>
// PAIR:         vector.store %{{.+}} : memref<1x2x8xf32>, vector<8xf32>
// PAIR:         vector.store %{{.+}} : memref<1x2x8xf32>, vector<8xf32>
// PAIR-NOT:     -> (vector<8xf32>) {
// PAIR:         return
// PAIR-LABEL: func.func @q4_quad(
// PAIR:         scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args({{.+}}) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>) {
// PAIR:           vector.load %{{.+}} : memref<1x432xi8, strided<[432, 1], offset: 864>>, vector<16xi8>
// PAIR-NEXT:      vector.bitcast
// PAIR-NEXT:      arith.extf
// PAIR-NEXT:      vector.load %{{.+}} : memref<1x432xi8, strided<[432, 1], offset: 432>>, vector<16xi8>
// PAIR-NEXT:      vector.bitcast
// PAIR-NEXT:      arith.extf
// PAIR-NEXT:      vector.load %{{.+}} : memref<1x432xi8, strided<[432, 1]>>, vector<16xi8>
// PAIR-NEXT:      vector.bitcast
// PAIR-NEXT:      arith.extf
// PAIR-NEXT:      vector.load %{{.+}} : memref<1x432xi8, strided<[432, 1], offset: 864>>, vector<16xi8>
// PAIR-NOT:     -> (vector<8xf32>) {
// PAIR:         return
// ALONE-LABEL: func.func @q4_pair(
// ALONE:         scf.for %{{.+}} iter_args({{.+}}) -> (vector<8xf32>) {
// ALONE:         scf.for %{{.+}} iter_args({{.+}}) -> (vector<8xf32>) {
// ALONE-NOT:     -> (vector<8xf32>, vector<8xf32>)
// ALONE:         return

// Q8-LABEL: y * 2:
// Q8-NEXT: ( 533285, 6437, -70760, 418521, -149529, -37799, -263401, 281169, 29294, 74776, 665872, -160698, 89744, -177028, -57524, -54712, 20512, -20685, 300206, 51414, 53647, -214696, 76783, -38052 )
// Q8-NEXT: ( -251633, -1187317, 343575, 193374, -3958, -269533, 111238, -111854, -140535, -53340, 438020, -120388, 10838, -7695, 87570, 146371, 26368, 77664, 282364, 126234, 229880, 452500, -109658, 211610 )
// Q8-NEXT: ( 95039, -259215, -53684, -73325, -64544, -21091, -55224, -43095, 129629, 76534, 128444, 86139, -90314, -53721, 106334, 188098, -23248, 184500, -273156, 281744, 59841, -13192, 306231, -233354 )
// Q8-NEXT: ( 155123, 293038, -13538, 21973, 130351, 49529, -18277, -66440, -35624, -64828, -127368, 46514, -20133, -147202, 119526, 210070, -75340, -55587, -108549, -131508, -56429, -58756, -235665, 9558 )
// Q8-NEXT: ( -50577, 25610, 91283, -571546, 126346, -23949, 65700, -193534, 116426, 516578, -8756, 41050, 159459, 24183, -399482, 44944, 132516, -40272, 20541, -48124, -6935, -38888, -154193, 162410 )
// Q8: row 3 alone, * 2:
// Q8-NEXT: ( 155123, 293038, -13538, 21973, 130351, 49529, -18277, -66440, -35624, -64828, -127368, 46514, -20133, -147202, 119526, 210070, -75340, -55587, -108549, -131508, -56429, -58756, -235665, 9558 )
// Q8: pair, * 2:
// Q8-NEXT: ( 155123, 293038, -13538, 21973, 130351, 49529, -18277, -66440, -35624, -64828, -127368, 46514, -20133, -147202, 119526, 210070 )
// Q8-NEXT: ( -35624, -64828, -127368, 46514, -20133, -147202, 119526, 210070, -75340, -55587, -108549, -131508, -56429, -58756, -235665, 9558 )
// Q8: quad, * 2:
// Q8-NEXT: ( -75340, -55587, -108549, -131508, -56429, -58756, -235665, 9558 )
// Q8-NEXT: ( -35624, -64828, -127368, 46514, -20133, -147202, 119526, 210070 )
// Q8-NEXT: ( 155123, 293038, -13538, 21973, 130351, 49529, -18277, -66440 )
// Q8-NEXT: ( -75340, -55587, -108549, -131508, -56429, -58756, -235665, 9558 )
// Q4-LABEL: y * 2:
// Q4-NEXT: ( 132706, -7657, -9341, 3406, 1720, 5676, -17471, 4016, 1323, -21325, -9871, -4747, -9906, -5816, -19275, 16062, 26686, -6408, 7094, -3524, -6842, -23289, -6448, -3937 )
// Q4-NEXT: ( 14872, -58095, 9282, 888, 22148, -10736, 16911, -762, -11313, -894, 13549, 11903, 3497, -3650, 3354, -181, 8368, 15477, 23362, -9090, 9007, 17314, -18172, -10209 )
// Q4-NEXT: ( 5170, -6418, 14546, -689, 12964, 5754, 2912, -8629, 7201, -7993, 5114, 6797, -11361, 583, -6415, -2853, 3162, -2369, -3808, -2184, 3468, 5214, -2944, -1033 )
// Q4-NEXT: ( 19300, 6589, 4979, 441, 12804, -2234, 7053, -4722, -3873, -15216, 9351, 4480, -1567, 3978, -19192, 1062, 9844, 9845, -9376, -15858, -5182, -4788, 7274, 74 )
// Q4-NEXT: ( -190, 2406, 16827, 548, 7452, -3106, 2180, -10302, -11952, 5754, 9255, 4164, 5297, 4581, -5956, -5823, 744, 10830, 18392, -491, 1468, 4689, -13822, 3416 )
// Q4: row 3 alone, * 2:
// Q4-NEXT: ( 19300, 6589, 4979, 441, 12804, -2234, 7053, -4722, -3873, -15216, 9351, 4480, -1567, 3978, -19192, 1062, 9844, 9845, -9376, -15858, -5182, -4788, 7274, 74 )
// Q4: pair, * 2:
// Q4-NEXT: ( 19300, 6589, 4979, 441, 12804, -2234, 7053, -4722, -3873, -15216, 9351, 4480, -1567, 3978, -19192, 1062 )
// Q4-NEXT: ( -3873, -15216, 9351, 4480, -1567, 3978, -19192, 1062, 9844, 9845, -9376, -15858, -5182, -4788, 7274, 74 )
// Q4: quad, * 2:
// Q4-NEXT: ( 9844, 9845, -9376, -15858, -5182, -4788, 7274, 74 )
// Q4-NEXT: ( -3873, -15216, 9351, 4480, -1567, 3978, -19192, 1062 )
// Q4-NEXT: ( 19300, 6589, 4979, 441, 12804, -2234, 7053, -4722 )
// Q4-NEXT: ( 9844, 9845, -9376, -15858, -5182, -4788, 7274, 74 )
// Q4: rows known at run time, * 2:
// Q4-NEXT: ( 132706, -7657, -9341, 3406, 1720, 5676, -17471, 4016, 1323, -21325, -9871, -4747, -9906, -5816, -19275, 16062, 26686, -6408, 7094, -3524, -6842, -23289, -6448, -3937 )
// Q4-NEXT: ( 14872, -58095, 9282, 888, 22148, -10736, 16911, -762, -11313, -894, 13549, 11903, 3497, -3650, 3354, -181, 8368, 15477, 23362, -9090, 9007, 17314, -18172, -10209 )
// Q4-NEXT: ( 5170, -6418, 14546, -689, 12964, 5754, 2912, -8629, 7201, -7993, 5114, 6797, -11361, 583, -6415, -2853, 3162, -2369, -3808, -2184, 3468, 5214, -2944, -1033 )
// Q4-NEXT: ( 19300, 6589, 4979, 441, 12804, -2234, 7053, -4722, -3873, -15216, 9351, 4480, -1567, 3978, -19192, 1062, 9844, 9845, -9376, -15858, -5182, -4788, 7274, 74 )
// Q4-NEXT: ( -190, 2406, 16827, 548, 7452, -3106, 2180, -10302, -11952, 5754, 9255, 4164, 5297, 4581, -5956, -5823, 744, 10830, 18392, -491, 1468, 4689, -13822, 3416 )

#xq8 = affine_map<(m, t, r, b, g, i) -> (m, b, g, i)>
#wq8 = affine_map<(m, t, r, b, g, i) -> (t, b, 16 + g * 32 + r * 4 + i)>
#sq8 = affine_map<(m, t, r, b, g, i) -> (t, b, r * 2)>
#yq8 = affine_map<(m, t, r, b, g, i) -> (m, t, r)>
#xq4 = affine_map<(m, t, r, b, s, h, i) -> (m, b, s, h, i)>
#wq4 = affine_map<(m, t, r, b, s, h, i) -> (t, b, 16 + s * 32 + r * 4 + i)>
#sq4 = affine_map<(m, t, r, b, s, h, i) -> (t, b, r * 2)>
#yq4 = affine_map<(m, t, r, b, s, h, i) -> (m, t, r)>

func.func private @print_doubled(%y: memref<5x3x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c5 = arith.constant 5 : index
  %flat = memref.collapse_shape %y [[0], [1, 2]] : memref<5x3x8xf32> into memref<5x24xf32>
  %two_v = arith.constant dense<2.0> : vector<24xf32>
  vector.print str "y * 2:\n"
  scf.for %m = %c0 to %c5 step %c1 {
    %row = vector.load %flat[%m, %c0] : memref<5x24xf32>, vector<24xf32>
    %doubled = arith.mulf %row, %two_v : vector<24xf32>
    %ints = arith.fptosi %doubled : vector<24xf32> to vector<24xi64>
    vector.print %ints : vector<24xi64>
  }
  return
}

func.func private @print_values_doubled(%y: memref<5x3x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c5 = arith.constant 5 : index
  %flat = memref.collapse_shape %y [[0], [1, 2]] : memref<5x3x8xf32> into memref<5x24xf32>
  %two_v = arith.constant dense<2.0> : vector<24xf32>
  scf.for %m = %c0 to %c5 step %c1 {
    %row = vector.load %flat[%m, %c0] : memref<5x24xf32>, vector<24xf32>
    %doubled = arith.mulf %row, %two_v : vector<24xf32>
    %ints = arith.fptosi %doubled : vector<24xf32> to vector<24xi64>
    vector.print %ints : vector<24xi64>
  }
  return
}

func.func private @print_row_doubled(%y: memref<1x3x8xf32>) {
  %c0 = arith.constant 0 : index
  %flat = memref.collapse_shape %y [[0], [1, 2]] : memref<1x3x8xf32> into memref<1x24xf32>
  %two_v = arith.constant dense<2.0> : vector<24xf32>
  vector.print str "row 3 alone, * 2:\n"
  %row = vector.load %flat[%c0, %c0] : memref<1x24xf32>, vector<24xf32>
  %doubled = arith.mulf %row, %two_v : vector<24xf32>
  %ints = arith.fptosi %doubled : vector<24xf32> to vector<24xi64>
  vector.print %ints : vector<24xi64>
  return
}

/// Copies row 3 of x into the one-row `dst`.
func.func private @copy_row3(%dst: memref<1x96xf32>) {
  %c0 = arith.constant 0 : index
  %c3 = arith.constant 3 : index
  %x = memref.get_global @x : memref<5x96xf32>
  %row = vector.load %x[%c3, %c0] : memref<5x96xf32>, vector<96xf32>
  vector.store %row, %dst[%c0, %c0] : memref<1x96xf32>, vector<96xf32>
  return
}

func.func @q8() {
  %x = memref.get_global @x : memref<5x96xf32>
  %w = memref.get_global @w_q8 : memref<24x102xi8>
  %xb = memref.expand_shape %x [[0], [1, 2, 3]] output_shape [5, 3, 8, 4] : memref<5x96xf32> into memref<5x3x8x4xf32>
  %wg = memref.expand_shape %w [[0, 1], [2]] output_shape [3, 8, 102] : memref<24x102xi8> into memref<3x8x102xi8>
  %wf = memref.collapse_shape %wg [[0], [1, 2]] : memref<3x8x102xi8> into memref<3x816xi8>
  %wb = memref.expand_shape %wf [[0], [1, 2]] output_shape [3, 3, 272] : memref<3x816xi8> into memref<3x3x272xi8>
  %y = memref.alloca() : memref<5x3x8xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<5x3x8xf32>)
  // The body is the scalar fallback's shape; the pass replaces the whole op.
  linalg.generic {indexing_maps = [#xq8, #wq8, #sq8, #sq8, #yq8],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%xb, %wb, %wb, %wb : memref<5x3x8x4xf32>, memref<3x3x272xi8>, memref<3x3x272xi8>, memref<3x3x272xi8>)
      outs(%y : memref<5x3x8xf32>) attrs = {g4.packed_format = "q8_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  call @print_doubled(%y) : (memref<5x3x8xf32>) -> ()
  call @q8_row(%wb) : (memref<3x3x272xi8>) -> ()
  call @q8_pair(%wb) : (memref<3x3x272xi8>) -> ()
  call @q8_quad(%wb) : (memref<3x3x272xi8>) -> ()
  return
}

func.func @q4() {
  %x = memref.get_global @x : memref<5x96xf32>
  %w = memref.get_global @w_q4 : memref<24x54xi8>
  %xb = memref.expand_shape %x [[0], [1, 2, 3, 4]] output_shape [5, 3, 4, 2, 4] : memref<5x96xf32> into memref<5x3x4x2x4xf32>
  %wg = memref.expand_shape %w [[0, 1], [2]] output_shape [3, 8, 54] : memref<24x54xi8> into memref<3x8x54xi8>
  %wf = memref.collapse_shape %wg [[0], [1, 2]] : memref<3x8x54xi8> into memref<3x432xi8>
  %wb = memref.expand_shape %wf [[0], [1, 2]] output_shape [3, 3, 144] : memref<3x432xi8> into memref<3x3x144xi8>
  %y = memref.alloca() : memref<5x3x8xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<5x3x8xf32>)
  linalg.generic {indexing_maps = [#xq4, #wq4, #sq4, #sq4, #yq4],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
      ins(%xb, %wb, %wb, %wb : memref<5x3x4x2x4xf32>, memref<3x3x144xi8>, memref<3x3x144xi8>, memref<3x3x144xi8>)
      outs(%y : memref<5x3x8xf32>) attrs = {g4.packed_format = "q4_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  call @print_doubled(%y) : (memref<5x3x8xf32>) -> ()
  call @q4_row(%wb) : (memref<3x3x144xi8>) -> ()
  call @q4_pair(%wb) : (memref<3x3x144xi8>) -> ()
  call @q4_quad(%wb) : (memref<3x3x144xi8>) -> ()
  %xd = memref.cast %x : memref<5x96xf32> to memref<?x96xf32>
  call @q4_dynamic(%xd, %wb) : (memref<?x96xf32>, memref<3x3x144xi8>) -> ()
  return
}

/// The same contraction on an x whose rows are known at run time, as prefill's
/// (g4-prequantize-activations quantises it into scratch by two row-parallel generics).
func.func @q4_dynamic(%x: memref<?x96xf32>, %wb: memref<3x3x144xi8>) {
  %c0 = arith.constant 0 : index
  %m = memref.dim %x, %c0 : memref<?x96xf32>
  %xb = memref.expand_shape %x [[0], [1, 2, 3, 4]] output_shape [%m, 3, 4, 2, 4] : memref<?x96xf32> into memref<?x3x4x2x4xf32>
  %y = memref.alloca() : memref<5x3x8xf32>
  %yd = memref.cast %y : memref<5x3x8xf32> to memref<?x3x8xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%yd : memref<?x3x8xf32>)
  linalg.generic {indexing_maps = [#xq4, #wq4, #sq4, #sq4, #yq4],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
      ins(%xb, %wb, %wb, %wb : memref<?x3x4x2x4xf32>, memref<3x3x144xi8>, memref<3x3x144xi8>, memref<3x3x144xi8>)
      outs(%yd : memref<?x3x8xf32>) attrs = {g4.packed_format = "q4_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  vector.print str "rows known at run time, * 2:\n"
  call @print_values_doubled(%y) : (memref<5x3x8xf32>) -> ()
  return
}

func.func @q8_row(%wb: memref<3x3x272xi8>) {
  %x = memref.alloca() : memref<1x96xf32>
  call @copy_row3(%x) : (memref<1x96xf32>) -> ()
  %xb = memref.expand_shape %x [[0], [1, 2, 3]] output_shape [1, 3, 8, 4] : memref<1x96xf32> into memref<1x3x8x4xf32>
  %y = memref.alloca() : memref<1x3x8xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<1x3x8xf32>)
  linalg.generic {indexing_maps = [#xq8, #wq8, #sq8, #sq8, #yq8],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%xb, %wb, %wb, %wb : memref<1x3x8x4xf32>, memref<3x3x272xi8>, memref<3x3x272xi8>, memref<3x3x272xi8>)
      outs(%y : memref<1x3x8xf32>) attrs = {g4.packed_format = "q8_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  call @print_row_doubled(%y) : (memref<1x3x8xf32>) -> ()
  return
}

func.func @q4_row(%wb: memref<3x3x144xi8>) {
  %x = memref.alloca() : memref<1x96xf32>
  call @copy_row3(%x) : (memref<1x96xf32>) -> ()
  %xb = memref.expand_shape %x [[0], [1, 2, 3, 4]] output_shape [1, 3, 4, 2, 4] : memref<1x96xf32> into memref<1x3x4x2x4xf32>
  %y = memref.alloca() : memref<1x3x8xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<1x3x8xf32>)
  linalg.generic {indexing_maps = [#xq4, #wq4, #sq4, #sq4, #yq4],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
      ins(%xb, %wb, %wb, %wb : memref<1x3x4x2x4xf32>, memref<3x3x144xi8>, memref<3x3x144xi8>, memref<3x3x144xi8>)
      outs(%y : memref<1x3x8xf32>) attrs = {g4.packed_format = "q4_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  call @print_row_doubled(%y) : (memref<1x3x8xf32>) -> ()
  return
}

func.func private @print_pair_doubled(%y1: memref<1x2x8xf32>, %y2: memref<1x2x8xf32>) {
  %c0 = arith.constant 0 : index
  %two_v = arith.constant dense<2.0> : vector<16xf32>
  vector.print str "pair, * 2:\n"
  %flat1 = memref.collapse_shape %y1 [[0], [1, 2]] : memref<1x2x8xf32> into memref<1x16xf32>
  %row1 = vector.load %flat1[%c0, %c0] : memref<1x16xf32>, vector<16xf32>
  %d1 = arith.mulf %row1, %two_v : vector<16xf32>
  %i1 = arith.fptosi %d1 : vector<16xf32> to vector<16xi64>
  vector.print %i1 : vector<16xi64>
  %flat2 = memref.collapse_shape %y2 [[0], [1, 2]] : memref<1x2x8xf32> into memref<1x16xf32>
  %row2 = vector.load %flat2[%c0, %c0] : memref<1x16xf32>, vector<16xf32>
  %d2 = arith.mulf %row2, %two_v : vector<16xf32>
  %i2 = arith.fptosi %d2 : vector<16xf32> to vector<16xi64>
  vector.print %i2 : vector<16xi64>
  return
}

/// Row 3 by groups 0-1 and by groups 1-2 of the weights, as decode's gate and up: two
/// contractions of one x, weights of one shape, as many outputs, the second's output
/// cleared between them.
func.func @q8_pair(%wb: memref<3x3x272xi8>) {
  %x = memref.alloca() : memref<1x96xf32>
  call @copy_row3(%x) : (memref<1x96xf32>) -> ()
  %xb = memref.expand_shape %x [[0], [1, 2, 3]] output_shape [1, 3, 8, 4] : memref<1x96xf32> into memref<1x3x8x4xf32>
  %w1 = memref.subview %wb[0, 0, 0] [2, 3, 272] [1, 1, 1] : memref<3x3x272xi8> to memref<2x3x272xi8, strided<[816, 272, 1]>>
  %w2 = memref.subview %wb[1, 0, 0] [2, 3, 272] [1, 1, 1] : memref<3x3x272xi8> to memref<2x3x272xi8, strided<[816, 272, 1], offset: 816>>
  %y1 = memref.alloca() : memref<1x2x8xf32>
  %y2 = memref.alloca() : memref<1x2x8xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y1 : memref<1x2x8xf32>)
  linalg.generic {indexing_maps = [#xq8, #wq8, #sq8, #sq8, #yq8],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%xb, %w1, %w1, %w1 : memref<1x3x8x4xf32>, memref<2x3x272xi8, strided<[816, 272, 1]>>, memref<2x3x272xi8, strided<[816, 272, 1]>>, memref<2x3x272xi8, strided<[816, 272, 1]>>)
      outs(%y1 : memref<1x2x8xf32>) attrs = {g4.packed_format = "q8_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.fill ins(%zero : f32) outs(%y2 : memref<1x2x8xf32>)
  linalg.generic {indexing_maps = [#xq8, #wq8, #sq8, #sq8, #yq8],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%xb, %w2, %w2, %w2 : memref<1x3x8x4xf32>, memref<2x3x272xi8, strided<[816, 272, 1], offset: 816>>, memref<2x3x272xi8, strided<[816, 272, 1], offset: 816>>, memref<2x3x272xi8, strided<[816, 272, 1], offset: 816>>)
      outs(%y2 : memref<1x2x8xf32>) attrs = {g4.packed_format = "q8_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  call @print_pair_doubled(%y1, %y2) : (memref<1x2x8xf32>, memref<1x2x8xf32>) -> ()
  return
}

func.func @q4_pair(%wb: memref<3x3x144xi8>) {
  %x = memref.alloca() : memref<1x96xf32>
  call @copy_row3(%x) : (memref<1x96xf32>) -> ()
  %xb = memref.expand_shape %x [[0], [1, 2, 3, 4]] output_shape [1, 3, 4, 2, 4] : memref<1x96xf32> into memref<1x3x4x2x4xf32>
  %w1 = memref.subview %wb[0, 0, 0] [2, 3, 144] [1, 1, 1] : memref<3x3x144xi8> to memref<2x3x144xi8, strided<[432, 144, 1]>>
  %w2 = memref.subview %wb[1, 0, 0] [2, 3, 144] [1, 1, 1] : memref<3x3x144xi8> to memref<2x3x144xi8, strided<[432, 144, 1], offset: 432>>
  %y1 = memref.alloca() : memref<1x2x8xf32>
  %y2 = memref.alloca() : memref<1x2x8xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y1 : memref<1x2x8xf32>)
  linalg.generic {indexing_maps = [#xq4, #wq4, #sq4, #sq4, #yq4],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
      ins(%xb, %w1, %w1, %w1 : memref<1x3x4x2x4xf32>, memref<2x3x144xi8, strided<[432, 144, 1]>>, memref<2x3x144xi8, strided<[432, 144, 1]>>, memref<2x3x144xi8, strided<[432, 144, 1]>>)
      outs(%y1 : memref<1x2x8xf32>) attrs = {g4.packed_format = "q4_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.fill ins(%zero : f32) outs(%y2 : memref<1x2x8xf32>)
  linalg.generic {indexing_maps = [#xq4, #wq4, #sq4, #sq4, #yq4],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
      ins(%xb, %w2, %w2, %w2 : memref<1x3x4x2x4xf32>, memref<2x3x144xi8, strided<[432, 144, 1], offset: 432>>, memref<2x3x144xi8, strided<[432, 144, 1], offset: 432>>, memref<2x3x144xi8, strided<[432, 144, 1], offset: 432>>)
      outs(%y2 : memref<1x2x8xf32>) attrs = {g4.packed_format = "q4_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  call @print_pair_doubled(%y1, %y2) : (memref<1x2x8xf32>, memref<1x2x8xf32>) -> ()
  return
}

func.func private @print_quad_doubled(%y0: memref<1x1x8xf32>, %y1: memref<1x1x8xf32>,
                                      %y2: memref<1x1x8xf32>, %y3: memref<1x1x8xf32>) {
  %c0 = arith.constant 0 : index
  %two_v = arith.constant dense<2.0> : vector<8xf32>
  vector.print str "quad, * 2:\n"
  %v0 = vector.load %y0[%c0, %c0, %c0] : memref<1x1x8xf32>, vector<8xf32>
  %d0 = arith.mulf %v0, %two_v : vector<8xf32>
  %i0 = arith.fptosi %d0 : vector<8xf32> to vector<8xi64>
  vector.print %i0 : vector<8xi64>
  %v1 = vector.load %y1[%c0, %c0, %c0] : memref<1x1x8xf32>, vector<8xf32>
  %d1 = arith.mulf %v1, %two_v : vector<8xf32>
  %i1 = arith.fptosi %d1 : vector<8xf32> to vector<8xi64>
  vector.print %i1 : vector<8xi64>
  %v2 = vector.load %y2[%c0, %c0, %c0] : memref<1x1x8xf32>, vector<8xf32>
  %d2 = arith.mulf %v2, %two_v : vector<8xf32>
  %i2 = arith.fptosi %d2 : vector<8xf32> to vector<8xi64>
  vector.print %i2 : vector<8xi64>
  %v3 = vector.load %y3[%c0, %c0, %c0] : memref<1x1x8xf32>, vector<8xf32>
  %d3 = arith.mulf %v3, %two_v : vector<8xf32>
  %i3 = arith.fptosi %d3 : vector<8xf32> to vector<8xi64>
  vector.print %i3 : vector<8xi64>
  return
}

/// Row 3 by groups 2, 1, 0 and 2 of the weights: four contractions of one x, weights of
/// one shape, as many outputs, each output its own buffer.
func.func @q8_quad(%wb: memref<3x3x272xi8>) {
  %x = memref.alloca() : memref<1x96xf32>
  call @copy_row3(%x) : (memref<1x96xf32>) -> ()
  %xb = memref.expand_shape %x [[0], [1, 2, 3]] output_shape [1, 3, 8, 4] : memref<1x96xf32> into memref<1x3x8x4xf32>
  %zero = arith.constant 0.0 : f32
  %w0 = memref.subview %wb[2, 0, 0] [1, 3, 272] [1, 1, 1] : memref<3x3x272xi8> to memref<1x3x272xi8, strided<[816, 272, 1], offset: 1632>>
  %y0 = memref.alloca() : memref<1x1x8xf32>
  %w1 = memref.subview %wb[1, 0, 0] [1, 3, 272] [1, 1, 1] : memref<3x3x272xi8> to memref<1x3x272xi8, strided<[816, 272, 1], offset: 816>>
  %y1 = memref.alloca() : memref<1x1x8xf32>
  %w2 = memref.subview %wb[0, 0, 0] [1, 3, 272] [1, 1, 1] : memref<3x3x272xi8> to memref<1x3x272xi8, strided<[816, 272, 1], offset: 0>>
  %y2 = memref.alloca() : memref<1x1x8xf32>
  %w3 = memref.subview %wb[2, 0, 0] [1, 3, 272] [1, 1, 1] : memref<3x3x272xi8> to memref<1x3x272xi8, strided<[816, 272, 1], offset: 1632>>
  %y3 = memref.alloca() : memref<1x1x8xf32>
  linalg.fill ins(%zero : f32) outs(%y0 : memref<1x1x8xf32>)
  linalg.fill ins(%zero : f32) outs(%y1 : memref<1x1x8xf32>)
  linalg.fill ins(%zero : f32) outs(%y2 : memref<1x1x8xf32>)
  linalg.fill ins(%zero : f32) outs(%y3 : memref<1x1x8xf32>)
  linalg.generic {indexing_maps = [#xq8, #wq8, #sq8, #sq8, #yq8],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%xb, %w0, %w0, %w0 : memref<1x3x8x4xf32>, memref<1x3x272xi8, strided<[816, 272, 1], offset: 1632>>, memref<1x3x272xi8, strided<[816, 272, 1], offset: 1632>>, memref<1x3x272xi8, strided<[816, 272, 1], offset: 1632>>)
      outs(%y0 : memref<1x1x8xf32>) attrs = {g4.packed_format = "q8_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#xq8, #wq8, #sq8, #sq8, #yq8],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%xb, %w1, %w1, %w1 : memref<1x3x8x4xf32>, memref<1x3x272xi8, strided<[816, 272, 1], offset: 816>>, memref<1x3x272xi8, strided<[816, 272, 1], offset: 816>>, memref<1x3x272xi8, strided<[816, 272, 1], offset: 816>>)
      outs(%y1 : memref<1x1x8xf32>) attrs = {g4.packed_format = "q8_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#xq8, #wq8, #sq8, #sq8, #yq8],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%xb, %w2, %w2, %w2 : memref<1x3x8x4xf32>, memref<1x3x272xi8, strided<[816, 272, 1], offset: 0>>, memref<1x3x272xi8, strided<[816, 272, 1], offset: 0>>, memref<1x3x272xi8, strided<[816, 272, 1], offset: 0>>)
      outs(%y2 : memref<1x1x8xf32>) attrs = {g4.packed_format = "q8_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#xq8, #wq8, #sq8, #sq8, #yq8],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%xb, %w3, %w3, %w3 : memref<1x3x8x4xf32>, memref<1x3x272xi8, strided<[816, 272, 1], offset: 1632>>, memref<1x3x272xi8, strided<[816, 272, 1], offset: 1632>>, memref<1x3x272xi8, strided<[816, 272, 1], offset: 1632>>)
      outs(%y3 : memref<1x1x8xf32>) attrs = {g4.packed_format = "q8_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  call @print_quad_doubled(%y0, %y1, %y2, %y3) : (memref<1x1x8xf32>, memref<1x1x8xf32>, memref<1x1x8xf32>, memref<1x1x8xf32>) -> ()
  return
}

/// Row 3 by groups 2, 1, 0 and 2 of the weights: four contractions of one x, weights of
/// one shape, as many outputs, each output its own buffer.
func.func @q4_quad(%wb: memref<3x3x144xi8>) {
  %x = memref.alloca() : memref<1x96xf32>
  call @copy_row3(%x) : (memref<1x96xf32>) -> ()
  %xb = memref.expand_shape %x [[0], [1, 2, 3, 4]] output_shape [1, 3, 4, 2, 4] : memref<1x96xf32> into memref<1x3x4x2x4xf32>
  %zero = arith.constant 0.0 : f32
  %w0 = memref.subview %wb[2, 0, 0] [1, 3, 144] [1, 1, 1] : memref<3x3x144xi8> to memref<1x3x144xi8, strided<[432, 144, 1], offset: 864>>
  %y0 = memref.alloca() : memref<1x1x8xf32>
  %w1 = memref.subview %wb[1, 0, 0] [1, 3, 144] [1, 1, 1] : memref<3x3x144xi8> to memref<1x3x144xi8, strided<[432, 144, 1], offset: 432>>
  %y1 = memref.alloca() : memref<1x1x8xf32>
  %w2 = memref.subview %wb[0, 0, 0] [1, 3, 144] [1, 1, 1] : memref<3x3x144xi8> to memref<1x3x144xi8, strided<[432, 144, 1], offset: 0>>
  %y2 = memref.alloca() : memref<1x1x8xf32>
  %w3 = memref.subview %wb[2, 0, 0] [1, 3, 144] [1, 1, 1] : memref<3x3x144xi8> to memref<1x3x144xi8, strided<[432, 144, 1], offset: 864>>
  %y3 = memref.alloca() : memref<1x1x8xf32>
  linalg.fill ins(%zero : f32) outs(%y0 : memref<1x1x8xf32>)
  linalg.fill ins(%zero : f32) outs(%y1 : memref<1x1x8xf32>)
  linalg.fill ins(%zero : f32) outs(%y2 : memref<1x1x8xf32>)
  linalg.fill ins(%zero : f32) outs(%y3 : memref<1x1x8xf32>)
  linalg.generic {indexing_maps = [#xq4, #wq4, #sq4, #sq4, #yq4],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
      ins(%xb, %w0, %w0, %w0 : memref<1x3x4x2x4xf32>, memref<1x3x144xi8, strided<[432, 144, 1], offset: 864>>, memref<1x3x144xi8, strided<[432, 144, 1], offset: 864>>, memref<1x3x144xi8, strided<[432, 144, 1], offset: 864>>)
      outs(%y0 : memref<1x1x8xf32>) attrs = {g4.packed_format = "q4_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#xq4, #wq4, #sq4, #sq4, #yq4],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
      ins(%xb, %w1, %w1, %w1 : memref<1x3x4x2x4xf32>, memref<1x3x144xi8, strided<[432, 144, 1], offset: 432>>, memref<1x3x144xi8, strided<[432, 144, 1], offset: 432>>, memref<1x3x144xi8, strided<[432, 144, 1], offset: 432>>)
      outs(%y1 : memref<1x1x8xf32>) attrs = {g4.packed_format = "q4_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#xq4, #wq4, #sq4, #sq4, #yq4],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
      ins(%xb, %w2, %w2, %w2 : memref<1x3x4x2x4xf32>, memref<1x3x144xi8, strided<[432, 144, 1], offset: 0>>, memref<1x3x144xi8, strided<[432, 144, 1], offset: 0>>, memref<1x3x144xi8, strided<[432, 144, 1], offset: 0>>)
      outs(%y2 : memref<1x1x8xf32>) attrs = {g4.packed_format = "q4_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#xq4, #wq4, #sq4, #sq4, #yq4],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
      ins(%xb, %w3, %w3, %w3 : memref<1x3x4x2x4xf32>, memref<1x3x144xi8, strided<[432, 144, 1], offset: 864>>, memref<1x3x144xi8, strided<[432, 144, 1], offset: 864>>, memref<1x3x144xi8, strided<[432, 144, 1], offset: 864>>)
      outs(%y3 : memref<1x1x8xf32>) attrs = {g4.packed_format = "q4_0x8"} {
  ^bb0(%a: f32, %q: i8, %lo: i8, %hi: i8, %acc: f32):
    %qf = arith.sitofp %q : i8 to f32
    %p = arith.mulf %a, %qf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  call @print_quad_doubled(%y0, %y1, %y2, %y3) : (memref<1x1x8xf32>, memref<1x1x8xf32>, memref<1x1x8xf32>, memref<1x1x8xf32>) -> ()
  return
}

// Generated by Inputs/interleaved_kernel_data.py.
memref.global "private" constant @x : memref<5x96xf32> = dense<[[127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, 127.0, -5.0, 104.0, -127.0, -29.0, 59.0, -97.0, 43.0, -60.0, -102.0, 82.0, -110.0, -28.0, 32.0, 86.0, -30.0, -99.0, 43.0, -112.0, -40.0, -66.0, 50.0, -104.0, 1.0, 105.0, 40.0, 6.0, 104.0, -73.0, 22.0, 80.0, -90.0, 29.0, -1.0, 53.0, -77.0, -89.0, 116.0, 94.0, 22.0, -10.0, 60.0, 23.0, 99.0, -13.0, -53.0, 16.0, -35.0, 92.0, 98.0, -17.0, -92.0, -127.0, 69.0, 27.0, -102.0, 10.0, 50.0, -46.0, 53.0, -35.0, 117.0, 38.0, 89.0, 0.0], [-88.0, -35.0, 9.0, -54.0, 4.0, 42.0, -108.0, 80.0, 105.0, 93.0, 3.0, 107.0, 53.0, 13.0, -70.0, -38.0, -64.0, 106.0, -123.0, -51.0, -39.0, -70.0, -58.0, -118.0, -18.0, -127.0, -30.0, -50.0, 87.0, 54.0, 102.0, -20.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, -127.0, 57.0, -102.0, -118.0, -105.0, 43.0, -99.0, 69.0, 7.0, 8.0, -34.0, -87.0, 80.0, 113.0, 3.0, -2.0, 55.0, -88.0, 124.0, 28.0, -110.0, -78.0, -122.0, 107.0, 127.0, -39.0, -28.0, 42.0, 20.0, -96.0, 64.0, -50.0, -37.0], [-126.0, 39.0, 87.0, 1.0, -73.0, -111.0, 98.0, 127.0, -118.0, 100.0, 121.0, 96.0, 68.0, 80.0, 83.0, 22.0, -82.0, -81.0, -40.0, 122.0, -16.0, -13.0, -96.0, -105.0, -75.0, 28.0, -69.0, 1.0, 81.0, -5.0, 76.0, -87.0, -99.0, 22.0, 58.0, -11.0, 39.0, -94.0, 58.0, -14.0, 5.0, 59.0, -103.0, 57.0, 111.0, -6.0, 18.0, -26.0, 83.0, -34.0, -10.0, -69.0, -113.0, -76.0, -114.0, -127.0, -98.0, -99.0, -72.0, 59.0, -125.0, 55.0, 27.0, 30.0, 86.0, -16.0, 9.0, -103.0, 124.0, 121.0, 65.0, 67.0, 27.0, 2.0, 83.0, 54.0, 19.0, -75.0, 127.0, -68.0, -44.0, 8.0, -28.0, 64.0, 7.0, 39.0, -76.0, -125.0, -52.0, 30.0, -51.0, 106.0, -106.0, 64.0, -44.0, 111.0], [35.0, -51.0, -106.0, 14.0, -19.0, 124.0, 64.0, -32.0, 80.0, 115.0, 63.0, 91.0, -44.0, 127.0, -49.0, 34.0, 86.0, 119.0, -35.0, 74.0, 103.0, -51.0, 40.0, 90.0, -99.0, -76.0, -2.0, -32.0, -30.0, 119.0, 23.0, 90.0, -52.0, -25.0, 30.0, -28.0, 89.0, 109.0, 49.0, 8.0, 113.0, 50.0, 60.0, -35.0, 84.0, 47.0, 28.0, 23.0, -34.0, 46.0, -17.0, -76.0, -1.0, 84.0, 9.0, 3.0, 88.0, -106.0, 127.0, -85.0, -109.0, 1.0, 61.0, 95.0, 73.0, -97.0, 33.0, 86.0, 85.0, -56.0, 126.0, -52.0, -56.0, 79.0, 85.0, 3.0, -58.0, -56.0, 101.0, 35.0, -21.0, -64.0, -34.0, -64.0, 121.0, -63.0, 76.0, -127.0, 65.0, -9.0, -63.0, -67.0, 82.0, 81.0, 26.0, 8.0], [1.0, 73.0, -99.0, 77.0, -98.0, -27.0, -105.0, 41.0, -127.0, 73.0, 19.0, -17.0, 109.0, -115.0, 75.0, 106.0, -91.0, -121.0, 30.0, -78.0, 49.0, -59.0, -104.0, -102.0, -8.0, -9.0, 96.0, 45.0, 105.0, -54.0, 110.0, 18.0, 29.0, -35.0, 95.0, 125.0, 41.0, -110.0, -45.0, -127.0, -117.0, 87.0, 109.0, -105.0, 93.0, -91.0, 41.0, 79.0, -33.0, 86.0, -107.0, 82.0, -67.0, 59.0, -117.0, 27.0, 76.0, -45.0, -70.0, -51.0, 64.0, -35.0, 121.0, -43.0, 108.0, 58.0, 30.0, -37.0, -15.0, -86.0, -86.0, -61.0, 102.0, -27.0, -127.0, -16.0, 60.0, 74.0, -110.0, -101.0, 10.0, -70.0, -105.0, -51.0, 110.0, -81.0, -40.0, 65.0, -76.0, -99.0, 116.0, -113.0, -112.0, 16.0, 75.0, 62.0]]>
memref.global "private" constant @w_q8 : memref<24x102xi8> = dense<[[0, 56, 0, 56, 0, 56, 0, 56, 0, 56, 0, 56, 0, 64, 0, 64, -1, -1, -1, -1, 76, 89, 97, -77, -40, 76, 75, 104, 124, -21, -3, -62, -97, 36, -98, 43, -20, 20, 16, 86, 121, 113, 73, -76, -41, -85, -41, -20, -1, -1, -1, -1, 8, -96, -1, 37, -35, -128, 115, -87, -72, -46, -4, 108, 121, 25, 57, -123, 89, 99, -74, 81, -14, 49, 123, -115, -22, 39, 55, -10, -1, -1, -1, -1, -43, -79, 4, 21, -94, 23, -128, -26, -24, 29, 109, -126, -52, 87, -99, -13, -19, 125], [-101, 41, 17, -89, 17, -94, -122, 1, -47, -28, -1, -1, -1, -1, -44, 48, 115, -107, -88, 113, 88, 35, 38, 20, 38, -87, 42, -113, 62, -14, -9, 126, -67, -52, -38, 75, 18, 47, 86, -3, -20, 94, -1, -1, -1, -1, -13, 33, -59, -9, -107, -7, -67, 28, -74, -56, -12, -54, 57, 109, -70, -82, 71, -95, -14, -7, 102, 26, -115, 32, 23, -51, 43, -126, -1, -1, -1, -1, -40, 109, -111, -94, 93, -72, -102, -85, -85, -75, 89, -16, -103, -20, 52, 87, -27, -12, 16, 123, 47, 48, -72, 125], [82, -112, -43, -36, -1, -1, -1, -1, -107, -8, -31, 28, 117, 93, 121, -109, -103, 112, -87, 13, -79, 33, -111, -57, -41, 120, -106, -60, 83, -110, 61, -75, 107, -14, -70, 77, -1, -1, -1, -1, 96, -127, 11, -3, 99, 53, -116, -122, 65, 105, -78, -86, 69, 19, 114, 83, 64, -30, -49, -117, 50, 113, 64, -59, 35, 57, 97, -21, 0, 56, 0, 60, 0, 60, 0, 64, 0, 56, 0, 60, 0, 56, 0, 56, -85, -98, 74, 107, -1, -1, -1, -1, -74, -104, 45, -55, 51, -2, 8, 73, -1, -109], [37, -86, -4, -85, -55, -79, 98, 8, -122, 90, 4, -104, 28, -25, -47, -16, 112, -107, -1, -1, -1, -1, 38, -126, -45, 9, 17, -58, 125, 81, 61, -71, -103, 102, 15, -124, -59, -125, 79, 31, -121, -123, 40, 57, 17, -38, -80, -26, -67, -19, -1, -1, -1, -1, 23, -115, -52, -85, -77, 42, 58, 15, -40, 6, -20, 81, -89, 103, -15, 115, 126, -109, 11, -106, -59, 41, -91, 38, 96, -78, -111, -4, -1, -1, -1, -1, -61, 80, 56, 38, 102, -44, -78, 80, 103, 92, -59, 80, -122, 122, -31, -50], [25, 114, -69, 95, 127, 74, -32, -18, -74, 126, -33, 94, -1, -1, -1, -1, -93, 103, 65, -13, 68, 79, -122, 71, 31, 31, 99, -82, -84, 41, -4, 31, 66, 85, -23, 28, -116, 100, 23, 113, -67, -39, -56, -120, -1, -1, -1, -1, -30, -51, 51, -11, -101, 6, 104, -52, -36, -19, -85, -36, -109, -19, -98, -125, 27, 50, -32, 125, -74, 74, -10, 20, 48, 80, 69, -81, -1, -1, -1, -1, 30, 4, 10, 114, 54, -75, -78, -78, 115, 106, -102, 3, -49, -77, 44, -21, 109, -110, 116, 26, 99, 114], [-20, -128, -13, 122, -42, 33, -1, -1, -1, -1, -72, -43, 55, 82, -76, 55, 49, 29, 125, 87, -115, -72, 85, -67, 76, -110, -79, -39, 34, 8, 112, 86, 124, -68, 0, 60, 0, 60, 0, 64, 0, 64, 0, 64, 0, 60, 0, 64, 0, 56, -41, -41, 71, -128, 37, -18, -74, -86, 81, 8, -5, 2, -49, -58, -88, -2, -29, -35, -6, -22, -116, -12, 103, -96, 91, 33, 100, 115, 60, 80, -25, -5, -93, -7, -126, -119, -28, -89, 81, 16, -67, 5, -67, 33, -34, -16, -56, -2, 52, 5, -62, 4], [30, 115, -114, 47, -26, 86, -84, -122, 12, -23, -20, -107, -54, -16, -124, 75, 9, -10, 60, -125, -108, 78, -92, 80, 127, 40, -72, -44, -14, -75, -100, -79, 77, 41, -64, -53, -22, -79, 109, -103, -82, 27, 6, -112, -49, 56, -110, -121, 93, 124, 94, 122, 3, 12, -47, 55, 81, 62, -88, -23, -127, 82, 96, -75, -29, -26, -3, 92, 29, -55, 98, 121, -22, -97, 93, -89, 101, -59, 35, -44, -112, 45, 78, 36, 85, 82, -37, 24, 22, 112, 89, -27, 124, -31, -107, 27, 91, -120, 15, -82, -11, -82], [-93, 107, -75, 109, 4, -70, 126, -90, 122, 32, -90, 69, -54, 6, 107, 61, -22, -39, -126, -44, -29, -115, -99, 45, 30, 14, 103, -100, -11, 71, -42, 33, -57, 19, 67, -13, -76, 95, 75, 101, 9, 9, -55, 113, -66, 74, 1, -33, -5, -81, -80, -128, -23, 119, 114, 71, 21, -115, 19, -22, 64, -114, -71, 47, 61, 114, 11, -89, -95, 46, -33, 96, -126, -14, -106, -80, 67, 117, 25, -123, -125, 52, -33, -99, -7, 94, 8, 51, 64, -94, -42, -73, -11, -79, 52, 71, -100, -112, -96, 17, -116, 125], [0, 56, 0, 60, 0, 64, 0, 64, 0, 56, 0, 56, 0, 60, 0, 60, -15, -11, 14, -127, -77, 11, -71, -123, 76, 104, -71, -14, -79, 124, 21, 94, 59, -116, 27, -52, 13, -51, 36, 9, 73, -92, -49, -28, 30, 33, 69, -113, 5, 14, -71, -28, -61, -101, 34, 91, -52, -123, -106, -20, -37, 26, -99, -72, -29, -41, 21, 122, -31, 3, 28, -100, -29, 48, -58, -24, -85, -55, 54, -87, 26, 82, 36, 64, 70, 114, -70, -9, -33, 109, 126, -40, -124, -120, 69, -57, -98, -98, -103, 35, -23, 56], [-121, 127, 106, 84, 16, 108, 9, -12, 108, -12, -46, -4, 93, -39, -84, 67, 89, -6, -64, -54, 25, -40, -33, -89, 30, -66, 47, -12, 114, 127, 115, 76, 53, 23, 86, 11, -127, 2, 40, -128, -80, -60, -29, 91, -50, -127, -7, -75, 78, -73, 100, -120, 83, 109, -107, -85, -43, 34, -35, -73, -82, 20, 74, -112, -32, 81, -9, -108, 36, -29, -12, -14, -63, 89, -86, -118, 92, -41, -27, -81, 35, 94, -28, -43, -128, -116, -87, -73, 13, -91, -51, 8, -114, 67, 78, 125, 40, -33, 122, -93, -47, 34], [-110, 78, 105, 53, 22, 62, -6, -33, 118, 114, -1, -98, 97, -101, -85, 16, 29, 89, 74, 90, 74, 13, -114, -18, -97, 116, 90, -40, -68, -86, 116, 34, 7, 103, 112, 108, -33, -91, -21, 49, -78, 59, -62, -122, -11, -119, -43, -31, -68, 71, 36, -54, 90, 21, 70, 95, 68, 75, -29, 47, 68, 121, -123, -64, -122, -50, 77, 6, 0, 56, 0, 64, 0, 64, 0, 64, 0, 56, 0, 64, 0, 60, 0, 60, -125, 62, 72, 26, -29, -83, -95, -50, -50, -56, -85, 51, -11, -80, -29, -22, -126, -36], [79, 119, -7, 104, -56, 77, -21, 100, 69, 82, 105, 59, -14, 96, -95, -20, 108, 8, -116, 82, -44, 22, -50, 60, -112, 41, -109, 16, -31, -91, -118, 60, 62, 16, 8, -69, -77, 31, -44, 82, -107, 75, 118, 68, 21, 113, 50, 6, 29, -60, -119, 67, -10, -109, 100, 107, 82, 63, -93, -76, 41, -62, 19, 59, 113, 80, 5, -70, -10, 57, 88, 5, 55, -69, -15, -16, 32, 11, 105, 81, 38, -127, -61, -84, 1, -33, 68, -115, 87, -51, 104, 3, 7, -29, 13, -39, 30, 112, -78, 105, -115, 56], [42, 101, 78, 48, -97, 120, -58, -2, 69, 58, -5, 15, 74, 88, -29, -126, -127, 3, -35, 77, 113, 120, -2, 95, -28, -114, -25, 68, -109, 38, -44, 36, 24, 80, 77, 11, -9, -120, 48, 82, -16, 84, -29, 92, 30, 70, 4, 1, 61, 108, 101, -118, 104, 59, -85, 15, -33, 105, -70, -18, -32, -3, -98, 26, 43, 121, 67, -106, 56, 86, -42, -78, -124, 98, -60, -120, -107, 120, -78, 103, 67, -39, 124, 86, 93, -104, -83, 120, -82, 30, 36, -76, 46, -19, 67, 118, 35, -96, -97, 114, 33, 34], [94, -12, 42, -36, -97, 83, -4, -27, -9, -11, 16, 125, -96, 59, 86, 77, -22, -115, -62, 81, -39, 108, 115, -30, -34, 46, 110, -2, -6, 39, 65, -78, -86, -22, 0, 64, 0, 64, 0, 64, 0, 56, 0, 60, 0, 56, 0, 64, 0, 56, -6, -20, -53, -61, -95, -30, -76, -107, -36, -109, -22, 45, 106, 35, 69, -9, -80, -71, -34, 90, -20, -106, 64, -81, -94, 51, -30, -112, -49, 42, 22, 5, -3, -93, -95, -77, -120, 52, -38, 4, 92, -9, 44, -33, 110, 18, 20, 58, -52, 126, 97, 125], [98, 79, 105, -98, -36, 106, 81, 78, -122, 83, -55, 120, 78, 41, 6, -78, -78, 1, 33, -49, -68, 42, -62, 60, 85, 50, -66, -120, -82, 125, -125, 19, -32, -24, -11, 107, 11, -70, 72, -124, 20, -120, -43, -96, 70, -68, -43, 5, -95, -112, 13, -28, 49, -46, 16, -12, 104, 15, 115, 76, -43, 101, 88, 98, -79, 8, 41, -99, 52, -111, -5, -78, -70, 9, 90, -16, -120, 12, -96, -99, 86, -41, 86, -112, -84, -89, 98, -109, 61, 79, -44, 83, 84, 108, 79, 74, 1, -56, -78, 117, -27, 108], [-16, -124, 12, 39, 127, 48, -50, -3, 76, -114, -20, -94, 57, -57, -122, 59, -111, -19, -29, 71, 105, 16, 121, 115, 1, -66, 28, -41, 35, 91, -60, -3, -48, 42, -95, 33, -72, 98, 37, 78, -28, -116, 97, -113, -111, -15, -29, 26, 33, -86, 1, 3, 110, -57, 64, 19, 68, 20, -64, 116, 31, 111, -54, 120, 21, -99, -94, 42, -48, -73, -102, 54, 7, 36, 53, 126, 117, -62, 67, 76, 9, 39, -32, 9, -89, 50, -94, -119, -21, -108, 71, 25, 10, 19, 54, -60, 23, 4, -112, 91, -55, 33], [0, 64, 0, 56, 0, 64, 0, 60, 0, 56, 0, 64, 0, 64, 0, 60, 90, 94, 11, -45, 106, -44, -8, -96, -82, 69, -9, -54, 55, -121, -72, 111, -112, 77, 49, -74, -58, -55, -54, 110, 76, 72, -55, 109, 44, 84, 7, 86, -25, -115, 87, 18, 81, 89, 17, -45, -68, 35, 89, -57, 122, 94, -83, -19, 76, 60, -32, 83, 109, 38, 29, 24, -20, 35, -125, 90, -101, -92, 5, 28, 53, -105, 124, 126, -114, -3, 122, 40, -97, -63, 41, 97, 124, -100, -28, -86, -76, -4, -22, -35, 64, 38], [-24, -70, -14, 80, -57, -70, -63, -65, 120, 66, 85, -123, 42, -64, 92, -27, -9, -32, 112, 21, 28, -93, 2, -36, -52, -66, 19, -10, -73, 55, -80, -126, -109, 37, -16, 119, 16, -108, -66, 46, -45, -110, -60, 37, -106, -77, -39, 104, 105, -118, -8, -20, -85, -5, 38, 67, -30, -63, -109, -78, -23, 80, 59, -13, -63, 4, -33, 76, -67, -70, -20, 38, 3, 59, -103, -58, -96, -21, 36, 16, -30, 20, 66, -28, -118, -90, 77, -98, 75, -121, -62, -76, 40, -44, -29, -104, -117, 123, 61, -115, 100, 22], [68, 87, 89, 109, -15, 99, 127, 58, -50, -43, -19, 113, 101, -128, -28, -73, 40, -76, -101, -42, -46, -87, 6, -127, 67, -28, 16, -102, 123, -19, -18, 28, -116, -28, 76, -25, -113, -74, -83, 103, 103, -89, 60, 103, -83, -75, -75, -50, -80, 75, -48, 75, -104, -89, 18, -79, 78, -40, -113, 58, -59, 64, 125, 23, 112, -76, -127, -64, 0, 64, 0, 56, 0, 56, 0, 60, 0, 64, 0, 64, 0, 64, 0, 64, -7, 1, -103, -102, -122, 83, -121, 48, -96, 61, 39, -119, -66, -119, -66, 25, 100, 42], [55, -73, 104, -120, -99, -56, 5, -51, 102, -36, -59, 69, 22, 23, 83, -24, -19, 92, -68, 13, 36, 38, -110, -13, -38, -43, 60, -54, -81, 52, 62, 33, 93, -37, -84, 96, 85, -68, -67, 118, 23, -60, 96, 53, 61, -67, 39, 30, -91, -124, -9, -46, -118, 26, 95, 42, 2, -25, 48, 80, 105, -55, 119, 88, -64, 23, -119, 107, 97, 88, -126, -51, 4, -36, 109, 11, 92, -108, -36, -24, -112, 32, 75, 9, -101, 95, 80, 69, 5, -31, -116, -28, -106, 67, -64, 5, 119, -100, -93, 70, -62, -81], [55, -14, -97, -89, 62, 98, -16, -60, -65, -90, 110, -6, 18, -124, -43, 45, -110, 121, 123, 98, -73, 32, 21, -83, -73, 18, -99, 104, 29, -3, 17, 11, -127, -102, -9, 9, 1, 18, 10, 101, -75, 27, 55, 11, -118, 119, 52, 94, 29, -75, -34, -79, 48, -99, 122, 104, -42, 12, 75, -79, -49, 55, -86, 17, -58, 57, 23, -1, -69, 109, 55, -56, -81, 47, 36, 100, 13, -92, -119, -57, 65, -74, 114, -30, 16, 45, 101, -7, 31, -34, 105, 7, 42, 44, 8, -126, 87, -120, 58, -15, -20, 33], [-93, 24, 45, 76, 31, -108, -51, 64, 62, -32, 38, -121, 46, -109, -35, 26, -105, -35, -32, -98, -3, -90, -126, -112, 6, -78, 92, 57, -20, -46, -43, -34, -11, -128, 0, 64, 0, 60, 0, 64, 0, 60, 0, 64, 0, 64, 0, 56, 0, 60, 83, -1, 2, -18, -11, 57, -100, -91, 103, -75, -46, 4, -24, 61, 18, 64, 119, -113, 95, -8, -88, 33, 62, -38, -42, -52, -67, -68, -63, -59, -8, 88, -76, -38, -22, -75, -124, -45, -8, 79, 67, 40, 59, 39, -120, 107, 41, 35, -108, 80, -6, -26], [-120, 51, 39, -56, 53, 80, -47, -1, 46, -63, 52, -84, -41, -118, 11, -52, 91, 64, -76, 44, -108, 79, 17, -49, 113, -61, -57, 49, 120, -117, -92, 58, 102, 102, 20, -124, 37, 86, 65, -1, 7, -26, 1, 119, 127, -23, 34, 73, 97, 17, 90, 45, -22, -38, -34, -67, -5, 71, 8, 88, -79, 71, -71, 27, -87, -41, -23, -22, -100, -15, 113, 23, -51, 84, -74, 52, -109, -53, 4, -85, -121, -24, -12, 90, 20, -112, -50, 7, 72, -49, -22, 10, 28, -60, -112, 57, 93, -117, -10, 16, 95, 20], [67, 105, 77, 22, 38, -115, -12, 29, 117, -100, 25, -80, 103, 56, 127, 74, 124, -125, 85, -67, 121, 72, 79, -105, 48, -57, -15, 80, -115, -73, 47, 68, 37, 102, 26, -122, -124, 107, 45, -8, 107, -4, 14, -101, 106, -5, -7, -67, -6, 98, -113, -88, 70, -8, 18, 66, 50, -89, 21, -46, -116, -28, 55, 47, 35, -63, -2, 43, 1, 101, 80, 69, 124, -91, 17, 57, -50, -29, 42, 116, -94, 81, 94, 48, 12, 8, -126, -82, -58, 110, -42, -113, 111, 27, 6, 25, -109, -102, -112, -60, -77, 81]]>
memref.global "private" constant @w_q4 : memref<24x54xi8> = dense<[[0, 64, 0, 56, 0, 64, 0, 56, 0, 64, 0, 60, 0, 60, 0, 56, -1, -1, -1, -1, 0, -64, 5, -7, 4, 38, 49, -19, -44, -35, -39, -78, 112, -88, 40, -10, -105, 3, -18, 37, 112, -13, 109, 114, 75, -34, 8, 44, -1, -1, -1, -1, -78, 44], [-100, 51, -104, -97, -97, -10, -33, 122, -110, -46, -66, -24, 120, -19, -7, -8, -76, -68, -120, -114, -77, 44, -65, 102, -118, -104, -1, -1, -1, -1, 32, -38, 116, -18, -116, -119, -60, 8, -94, 117, 29, -90, 108, -118, 63, 67, -79, 77, -108, -38, 70, -67, 72, 39], [-91, -7, -74, -107, -1, -1, -1, -1, 6, 25, 61, -19, -110, 52, -104, 49, 75, -73, 123, -27, -112, 20, 69, -38, 18, 125, 89, -5, 17, -125, -87, -76, 17, 94, -69, 47, 0, 64, 0, 60, 0, 64, 0, 56, 0, 64, 0, 60, 0, 60, 0, 56, 61, 114], [-48, -123, -1, -1, -1, -1, -20, 57, 87, -35, -79, -15, -1, -34, 86, 121, -3, 83, 76, -85, 5, -37, 83, -76, 92, -52, 34, 106, 5, 15, -7, 83, 3, -53, -1, -1, -1, -1, 56, -113, -104, -72, 104, 44, -12, 48, -73, 58, 123, -75, 121, 69, 13, -49], [38, -60, 118, 89, 76, -26, 70, 75, 21, 20, -94, -15, -1, -1, -1, -1, -49, 127, -75, -79, -60, 119, -80, -101, -48, 15, 82, -27, 61, 86, 42, 31, 86, -50, 0, 7, 119, -40, -36, 85, -24, 49, -105, -93, -1, -1, -1, -1, -126, 85, 23, -94, 82, -61], [66, -85, 88, -105, 25, 79, 105, -37, 97, 116, 124, 71, -9, -44, 89, -64, 116, 110, 0, 60, 0, 56, 0, 56, 0, 60, 0, 64, 0, 64, 0, 56, 0, 64, 95, -17, 33, 100, -120, -36, -125, -2, -98, 98, -53, 24, -48, 126, -91, -107, -41, 82, -110, -101], [-54, -83, 93, 70, 56, 98, 41, 116, -107, -50, -11, -103, 68, -99, 73, 114, 86, -64, -109, -116, 68, -24, -32, 20, 79, -73, 122, -90, 49, -53, -18, 7, 56, -68, 92, 92, -30, -44, 91, -71, 98, 80, 120, 113, -84, -40, 20, -32, -32, -7, 10, 70, 30, -34], [-14, -17, -71, -64, -4, 34, -49, 115, 94, -106, 97, -55, 26, 121, 114, -122, -58, 4, -91, -118, 126, -90, -127, -21, -8, -40, -85, -30, 47, -88, -67, 37, 7, -79, 68, -113, 15, 21, 36, -46, -118, 61, -37, -108, 122, -110, 122, 21, -78, -28, -70, 6, -71, 41], [0, 56, 0, 64, 0, 56, 0, 56, 0, 60, 0, 60, 0, 64, 0, 56, -64, -10, -116, 117, 126, 5, 91, -118, -74, 44, -122, -3, -47, 96, 123, 54, -121, -1, 84, 48, 3, 94, -78, 97, -84, 76, 123, -76, 82, 102, -2, 31, -14, -90, -60, 108, 53, 0], [108, -25, -68, 113, 121, 7, 72, 103, -58, 69, 46, 80, 53, 12, 117, -99, -63, -91, 55, 2, 82, -82, -69, -32, 95, -24, -27, -80, 64, -61, 14, 89, -87, 6, 77, 52, -17, -70, -112, 124, 5, 48, -27, -32, -86, 68, -92, 78, 25, 52, 114, -117, -35, -95], [51, -100, -34, -96, 25, 10, -33, -9, -113, 17, 44, -56, -11, 48, 91, -106, 116, -112, -5, 3, -67, -59, 16, 87, 65, -106, 88, -2, 121, 69, -128, 60, 14, 61, -97, 76, 0, 60, 0, 60, 0, 64, 0, 60, 0, 56, 0, 60, 0, 56, 0, 56, -68, -17], [110, 8, -102, -36, 88, 49, -47, 79, 5, -100, -30, -54, -23, 59, 3, -44, 110, 71, -35, -107, 7, -19, 51, 18, -59, -19, 104, 107, -69, 71, -11, 76, 45, -38, -59, -105, 41, 120, -105, 107, -50, 67, 87, -25, 34, -67, -26, 57, 77, -29, -83, 102, -94, -100], [-13, 86, 14, 111, -79, 85, 18, -7, -61, 15, -75, -125, 85, -101, 59, -107, 112, -20, -51, 1, 37, 77, 39, 107, 6, 38, 26, 101, -63, 80, 100, -51, -17, 81, -43, 22, -10, 9, 70, -62, 64, -105, -18, -72, 6, 38, -29, 110, 21, 21, -11, -40, 43, 98], [110, -94, -43, -10, -38, 8, -70, -32, -115, -5, -71, -30, 14, -48, 4, 39, 115, 57, 0, 64, 0, 56, 0, 60, 0, 56, 0, 64, 0, 56, 0, 60, 0, 64, -125, -56, -29, 86, -108, -88, -22, -98, -70, 12, -32, -3, -71, -113, -124, 114, 111, -79, -115, 35], [30, 126, 120, 80, 6, -103, 88, 0, -55, 9, 114, -13, -23, 37, 15, 28, 89, -124, -31, 46, 120, -12, -100, -58, -113, -70, -91, 105, -26, 108, 88, -127, -59, -61, -6, -8, -108, -121, 115, -81, 59, 75, 46, -17, 45, -83, 92, 12, 12, -123, 20, 49, 44, 18], [59, -114, 20, -94, -37, 64, -118, 82, 15, -125, 78, 68, 81, 1, 66, 100, -14, 31, -52, 49, 31, 120, -25, 60, -105, 27, -57, 55, -5, 23, 98, -12, 31, 22, 28, -31, 124, -112, -88, 21, -119, 38, -41, 54, 41, 25, 113, 79, 73, 75, -46, 63, -32, 3], [0, 60, 0, 56, 0, 60, 0, 60, 0, 60, 0, 60, 0, 60, 0, 60, 108, -6, -26, 77, -61, 103, -105, -48, -30, -7, 118, -40, 57, -53, -101, 52, -118, 47, 18, 34, -22, 4, 105, 66, -90, 51, -80, 45, 23, -36, -62, 0, 28, 98, -27, -53, 17, 102], [75, -111, -16, -97, 29, -38, 26, 42, -29, -62, -5, -85, -33, 109, 120, -98, -59, 42, 73, -100, 24, 25, 38, -73, 23, -14, 111, 42, -5, 6, 115, 31, 0, 84, -37, 3, -83, -123, -127, 62, -99, -34, -60, 85, 58, -81, -125, 39, 98, 7, -82, 100, -6, -86], [-35, 50, 68, -27, -23, -80, -48, 46, -86, 112, -70, -21, 14, 97, -75, -86, -76, -118, -100, 26, -41, 51, -64, 3, -122, 122, -104, 42, -77, 72, 20, -86, 59, -5, -72, 83, 0, 64, 0, 64, 0, 60, 0, 56, 0, 60, 0, 56, 0, 60, 0, 56, -26, -57], [-14, -118, 116, 101, 104, 77, 11, 2, 106, -51, -73, -64, -94, -14, 122, -101, 67, 84, 25, -10, -118, 20, 53, -3, -76, 107, 48, 59, -82, 11, -29, 67, 50, -91, 111, 12, 93, -125, 89, 81, -125, 92, 33, 70, 53, 45, -117, 32, -64, 36, 53, 21, 75, 85], [37, -82, -78, -32, -86, 102, 71, -18, 117, 23, -47, -75, -8, -64, 35, -76, 25, -22, 49, -20, 12, 57, 62, 125, -43, 108, 72, -36, -114, 63, 74, 114, 92, 63, -107, 78, -38, -62, 23, -60, -76, 72, -90, -15, 63, 80, 41, -7, -42, -57, -118, 55, 9, -30], [-12, 100, -29, -114, -29, -29, 114, 21, 28, -124, 102, -35, -55, 45, 15, -50, -31, 47, 0, 64, 0, 60, 0, 64, 0, 64, 0, 56, 0, 64, 0, 64, 0, 60, 78, -86, -100, 60, 45, -87, 21, 13, 67, -112, -121, 18, 71, -47, 7, -52, 5, 45, -108, -49], [-47, 21, 91, 107, 113, 43, -82, -48, -93, -61, 73, 17, 123, 19, -49, -87, 70, 15, 76, 23, -2, 14, 64, -1, 56, -85, 73, -78, 64, 34, 124, 92, -3, 64, -118, 42, 37, -96, -87, -17, -117, -36, 6, -76, -82, -56, 1, -12, 96, -3, -60, -2, 118, 106], [49, -46, 42, -41, 25, -18, 85, -85, -4, -101, -30, -50, -68, 8, -70, -77, -59, 7, -1, -7, 40, 92, 91, -63, -94, 92, -47, -72, -20, 89, 108, 2, -12, -51, 55, 68, 102, -13, -76, 122, -62, -100, 100, 70, 93, 68, -90, 14, -112, -109, 119, -118, 123, -67]]>
