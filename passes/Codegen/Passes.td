//===- Passes.td - Code generation details of the CPU lowering -*- tablegen -*-===//
#ifndef G4_PASSES_CODEGEN_PASSES_TD
#define G4_PASSES_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def ApproximateTanhPass : Pass<"g4-math-approximate-tanh", "::mlir::ModuleOp"> {
  let summary = "Replaces f32 math.tanh by MLIR's polynomial approximation";
  let description = [{
    tanh is in every GELU (MLP, PLE gate, experts) and in the final softcap. As a libm
    call (tanhf -> expm1f) it was ~10% of decode time and stays scalar; the rational
    approximation is inline arithmetic that LLVM can vectorise, needs no libm (the
    firmware library must not), and is accurate to a few ulp. Only tanh is rewritten:
    exp, sin and cos are g4-math-inline-libm's. With `fused-multiply-add=false` (a
    target without FMA) the polynomial's `math.fma` become multiplies and adds.
  }];
  let options = [
    Option<"fusedMultiplyAdd", "fused-multiply-add", "bool", /*default=*/"true",
           "keep math.fma (false: expand it, the target has no FMA instruction)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::math::MathDialect"];
}

def InlineLibmPass : Pass<"g4-math-inline-libm", "::mlir::ModuleOp"> {
  let summary = "Replaces f32 math.exp, math.sin and math.cos by inline arithmetic";
  let description = [{
    The last libm functions compiled models called (expf for softmax and MoE routing,
    sinf/cosf for RoPE) become inline code, so the generated object needs only memcpy
    and memset (the firmware library's contract) and LLVM can vectorise softmax.
    exp: Cody-Waite reduction by ln2 in two parts, a degree-6 polynomial (~1 ulp),
    scaling by 2^k in two factors so subnormal results are right; +inf above
    88.7228, NaN stays NaN. sin/cos: reduced by pi/2 in f64 with a two-part constant,
    exact for |x| below ~1e6 radians (RoPE angles of long contexts), fdlibm's kernels
    in f64, rounded to f32; NaN for non-finite input. Only scalar f32 ops are
    rewritten (the lowering is scalar at this point); others are left for libm.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::math::MathDialect"];
}

def VectorizeRowReductionsPass : Pass<"g4-vectorize-row-reductions", "::mlir::ModuleOp"> {
  let summary = "Reduces each row of a reassociable row reduction in vector lanes";
  let description = [{
    Runs on buffers, after g4-outline-parallel-tasks. A `linalg.generic` computing
    `y[i...] = combine(y[i...], f(x[i..., k]))` over its last loop (f32, or integers,
    identity maps, a static width that is a multiple of `lanes`, unit innermost stride,
    combine an `arith.addf` with `reassoc`, an `arith.maximumf` or an integer
    `arith.addi` (both exact in any order), f element-wise in x and values from above)
    becomes a loop over the rows whose body combines the row in `lanes` vector lanes
    carried in registers (lane l takes k = l, l + lanes, ... in order), then reduces the
    lanes once and combines the result with y. The scales of g4-prequantize-activations
    (each block's largest |x| / 127) are such a maximum, its offset corrections (each
    block's sum of -offset * q, i8 into i32) such an integer sum. RMSNorm's sum of squares is such a reduction: scalar, it stored its accumulator
    after every element (LLVM cannot prove the scratch it lives in does not alias the
    row), 2.2 us for 1536 elements, 51 times in a decode step, all on one thread.
    Every row gets the same operations whatever the batch or task, so decode, prefill
    and any thread count agree bit for bit.
  }];
  let options = [
    Option<"lanes", "lanes", "int64_t", /*default=*/"8",
           "lanes of the partial sums (a multiple of the target's vector width)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect"];
}

def PrequantizeActivationsPass : Pass<"g4-prequantize-activations", "::mlir::ModuleOp"> {
  let summary = "Quantises the activations of interleaved packed contractions once, ahead";
  let description = [{
    Runs on buffers, before g4-plan-scratch. An interleaved packed contraction
    (`g4.packed_format` = `q8_0x8` or `q4_0x8`) on an f32 x becomes two steps: x
    quantised to int8 with one f32 scale per 32 (q8_0's rule, rounding to nearest even:
    g4-vectorize-contractions' own), then the contraction on the quanta and scales:
    inputs (quanta in x's shape, scales and offset corrections in x's shape without the
    block's inner dims, w, w, w), the body computing `sitofp(q) * d` where it read x.
    Each block's offset correction, `-offset * sum(q)` (the weights' stored offset: q4
    8, q8 128), is what the kernel's integer dot starts from; derived here once instead
    of in every task (E2B-shaped q4: pp512 +5% at two threads, decode +1.3%).

    - **Static rows within `max-stack-bytes` quantised (decode)**: three stack buffers at
      the function's entry, filled by a loop; or, when x was just written by a generic
      marked `g4.parallel_dim` whose split loop has more than one iteration (the gated
      GELU, attention's heads), by the generics below split by blocks
      (`g4.parallel_dim = 1`) with `g4.split_only_in_run`: g4-outline-parallel-tasks
      runs them in the tasks of that generic's run, so the cores that wrote x quantise
      it, or else leaves them serial.
    - **Otherwise, with `scratch`**: three scratch buffers (`memref.alloc`, sized by x's
      rows when those are dynamic; g4-plan-scratch then places them) filled by generics
      marked `g4.parallel_dim = 0` (at least 4 rows a task), which
      g4-outline-parallel-tasks splits by rows. This takes prefill's rows and an MoE
      expert's chunk of tokens. Dynamic rows only where x reshapes a buffer the kernel
      allocates or receives, outside loops: rows counted at run time inside a loop
      cannot size a frame.

    The generics: a fill of the scales with 0; each block's largest `|x|` (a max
    reduction over [M, K/32, 32], vectorised by g4-vectorize-row-reductions); that
    divided by 127 in place (correctly rounded division is monotonic, so this is the
    loop's `max |x| / 127`); the quanta, element-wise; a fill of the corrections with 0
    and their integer sums over each block's quanta (vectorised likewise).

    Without it every task of the split contraction quantised all of x again (16 tasks
    of a decode projection, 1,536 to 12,288 inputs each): E2B-shaped q4 decode gains
    3-4% at one and two threads.
    Contractions that read the same x (gate and up) share one quantisation when no op
    between them may write x's bytes. The quantisation goes before the fills and view
    ops that precede the contraction (after x's definition), so it stays out of the
    runs of g4-outline-parallel-tasks. Results are bit-identical: the kernel reads the
    quanta, scales and corrections it computed itself before.
    `max-stack-bytes=0 scratch=false` leaves every contraction as it is (the driver's
    `--packed-activations=f32`).
  }];
  let options = [
    Option<"maxStackBytes", "max-stack-bytes", "int64_t", /*default=*/"65536",
           "the largest quantised x (quanta, scales, corrections) with static rows to place "
           "on the "
           "kernel's stack (larger ones go to scratch with `scratch`)">,
    Option<"scratch", "scratch", "bool", /*default=*/"true",
           "quantise an x that does not fit the stack budget (prefill's rows, an MoE "
           "expert's chunk) into scratch buffers">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
                           "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect"];
}

def VectorizeContractionsPass : Pass<"g4-vectorize-contractions", "::mlir::ModuleOp"> {
  let summary = "Rewrites weight contractions as register-blocked vector microkernels";
  let description = [{
    Runs on buffers, after g4-outline-parallel-tasks. Every `linalg.generic` computing
    `y[m, n] += x[m, k] * ext(w[n, k])` (f32 activations, f32/bf16/f16 weights in
    PyTorch's [out, in] layout, a reassociable sum, unit innermost strides) becomes
    explicit vector code:

    - a tile of `tile-rows` x `tile-cols` outputs (or `1 x row-tile-cols` for leftover
      rows, decode's single token among them) keeps one vector accumulator per output in
      registers; each step loads every x row and every w row of the tile once and issues
      rows x cols fused multiply-adds, so a weight load feeds every row of the tile;
    - k is split into blocks of `k-block` and rows of x into blocks of `m-block`, so a
      weight panel stays in L1 while the x block it meets stays in L2;
    - the k remainder is one masked step (predicated on SVE), so any K works;
    - `lanes` f32 lanes per vector, times vscale when `scalable` (SVE): the same code
      runs at every vector length.

    Each output is the same sequence of operations whatever its tile, task or batch
    (fma chain per lane over k, one reassociated lane sum per k block added to y in
    block order), so decode and prefill, chunked prompts and any thread count give
    bit-identical results. The shape numbers come from the target (targets/x86,
    targets/arm); the pass never tests the ISA.

    Packed contractions (`g4.packed_format` = `q8_0` or `q4_0`, from g4-gemma-to-linalg)
    get the same tiling over 32-weight blocks. With `quantize-activations` each task
    quantises the rows of x it needs to int8 with one f32 scale per 32 (q8_0's rule,
    round to nearest even) into a stack buffer of `m-block` x `k-block` bytes; a block's
    products are then integer dot products (`int8-dot`: `vpdpbusd`, `vpmaddubsw`, NEON
    `sdot`) scaled once by both scales. With `scalable` and the generic idiom they are
    vector-length agnostic: a block's bytes in chunks of 16 x vscale (two at 128 bits,
    one predicated chunk from 256 bits; SVE `sdot`), q4_0 nibbles unpacked by
    interleaving (x is then stored interleaved to match). Without it the weights are
    dequantised in registers (sign-extend, convert, times the block scale: exact) and
    met with f32 FMAs.

    With `decode-partners` and one row of x (decode), an interleaved contraction and the
    next ones (up to three) of the same x, format, weight shape and outputs (a task's
    gate and up projections, or the parts of g4-outline-parallel-tasks' `weight-parts`:
    outputs in static subviews of one buffer that are apart), with nothing between them
    but pure ops and fills of buffers no earlier member uses, become one kernel whose
    tiles take the same groups of every matrix: one core reads up to four weight
    streams, which keeps more of memory busy than one. Each output's operations are
    unchanged.

    Contractions marked `g4.streamed_weights` (decode attention's scores and P x V on
    the cache, whose K and V come from memory) prefetch the weight rows of the scores'
    tile 8 tiles on. With `read-chunk` C > 0 they instead read their weights in chunks:
    C rows (keys or positions) at a time, every 64-byte line of the chunk is loaded once
    by a loop of plain loads, then the tiles compute on the chunk from cache. The loads
    are OR-ed and handed to an empty side-effecting inline asm so that they stay; the
    results are unchanged (P x V's outputs are sequential sums over positions in any
    blocking).

    Scalable lane sums keep the halving order of the fixed ones (halves in registers,
    then the last vscale lanes in a stack buffer): the order is the same under a
    rotation of the lanes, which a sliding layer's decode relies on (its key axis starts
    at the window, prefill's at position 0).
  }];
  let options = [
    Option<"lanes", "lanes", "int64_t", /*default=*/"8",
           "f32 lanes per vector (the minimum, times vscale, when scalable)">,
    Option<"scalable", "scalable", "bool", /*default=*/"false",
           "use scalable vectors (vector<[lanes]xf32>)">,
    Option<"tileRows", "tile-rows", "int64_t", /*default=*/"4",
           "rows of x per register tile">,
    Option<"tileCols", "tile-cols", "int64_t", /*default=*/"3",
           "rows of w per register tile">,
    Option<"rowTileCols", "row-tile-cols", "int64_t", /*default=*/"8",
           "rows of w per tile for a single row of x (decode)">,
    Option<"kBlock", "k-block", "int64_t", /*default=*/"2048",
           "reduction elements per block (a multiple of lanes)">,
    Option<"mBlock", "m-block", "int64_t", /*default=*/"32",
           "rows of x per cache block (a multiple of tile-rows)">,
    Option<"fusedMultiplyAdd", "fused-multiply-add", "bool", /*default=*/"true",
           "the target has vector FMA (false: multiply then add, no fmaf call)">,
    Option<"nativeF16", "native-f16", "bool", /*default=*/"false",
           "the target converts f16 to f32 in one instruction (packed block scales; "
           "false: integer decoding, no conversion call)">,
    Option<"quantizeActivations", "quantize-activations", "bool", /*default=*/"true",
           "packed weights: quantise the activations to int8 per 32-block and use integer "
           "dot products (false: dequantise the weights in registers, f32 FMAs)">,
    Option<"prefetch", "prefetch", "bool", /*default=*/"false",
           "packed decode tiles (one row of x) prefetch the next tile's weight rows each block">,
    Option<"int8Dot", "int8-dot", "std::string", /*default=*/"\"generic\"",
           "the target's int8 dot-product idiom: generic, x86-maddubs, x86-vnni or arm-smmla">,
    Option<"readChunk", "read-chunk", "int64_t", /*default=*/"0",
           "g4.streamed_weights contractions (decode attention's keys and values on the "
           "cache): read each chunk of this many weight rows with plain loads before the "
           "tiles compute on it (0: the scores' tiles prefetch rows ahead instead)">,
    Option<"decodePartners", "decode-partners", "bool", /*default=*/"false",
           "a single row of x (decode): compute an interleaved contraction together with the "
           "next ones (up to three) of the same x, format, weight shape and outputs (gate and "
           "up; the parts of one matrix), their weights read as that many streams">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect",
                           "::mlir::math::MathDialect", "::mlir::LLVM::LLVMDialect"];
}

#endif // G4_PASSES_CODEGEN_PASSES_TD
