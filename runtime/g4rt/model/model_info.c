/* model_info.c - Model-info validation and the memory-plan report. */
#include "runtime/g4rt/model/model_info.h"

#include "runtime/g4rt/base/format.h"

static g4rt_status_t validate_kv_buffer(const g4_model_info_t *info,
                                        int64_t i) {
  const g4_kv_buffer_t *b = &info->kv_plan[i];
  if (b->offset < 0 || b->bytes < 0 ||
      b->offset % (int64_t)G4_TENSOR_ALIGNMENT != 0) {
    return G4RT_MAKE_STATUS(
        G4RT_STATUS_DATA_LOSS,
        "model info: KV buffer %lld (layer %d) has offset %lld and %lld bytes; "
        "expected a non-negative offset that is a multiple of %u",
        (long long)i, (int)b->layer, (long long)b->offset, (long long)b->bytes,
        G4_TENSOR_ALIGNMENT);
  }
  if (b->bytes > info->kv_bytes - b->offset) {
    return G4RT_MAKE_STATUS(
        G4RT_STATUS_DATA_LOSS,
        "model info: KV buffer %lld (layer %d) ends at byte %lld, past the "
        "%lld-byte KV arena",
        (long long)i, (int)b->layer, (long long)(b->offset + b->bytes),
        (long long)info->kv_bytes);
  }
  return g4rt_ok_status();
}

g4rt_status_t g4rt_model_info_validate(const g4_model_info_t *info) {
  if (info == NULL) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_INVALID_ARGUMENT,
                            "model info: NULL pointer");
  }
  if (info->abi_version != G4_ABI_VERSION) {
    return G4RT_MAKE_STATUS(
        G4RT_STATUS_FAILED_PRECONDITION,
        "model info: abi_version expected %u, found %u (recompile the model "
        "with a compiler matching this runtime)",
        G4_ABI_VERSION, info->abi_version);
  }
  if (info->vocab_size <= 0 || info->vocab_size > INT32_MAX) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "model info: vocab_size %lld is not in [1, %d]",
                            (long long)info->vocab_size, INT32_MAX);
  }
  if (info->max_context <= 0) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "model info: max_context %lld is not positive",
                            (long long)info->max_context);
  }
  if (info->weights_bytes < 0 || info->kv_bytes < 0 ||
      info->scratch_bytes < 0) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "model info: weights_bytes %lld, kv_bytes %lld and "
                            "scratch_bytes %lld must be >= 0",
                            (long long)info->weights_bytes,
                            (long long)info->kv_bytes,
                            (long long)info->scratch_bytes);
  }
  if (info->max_prefill_tokens < 1 ||
      info->max_prefill_tokens > info->max_context) {
    return G4RT_MAKE_STATUS(G4RT_STATUS_DATA_LOSS,
                            "model info: max_prefill_tokens %lld is not in [1, "
                            "max_context = %lld]",
                            (long long)info->max_prefill_tokens,
                            (long long)info->max_context);
  }
  if (info->num_kv_buffers < 0 ||
      (info->num_kv_buffers > 0 && info->kv_plan == NULL)) {
    return G4RT_MAKE_STATUS(
        G4RT_STATUS_DATA_LOSS,
        "model info: num_kv_buffers %lld without a matching kv_plan",
        (long long)info->num_kv_buffers);
  }
  for (int64_t i = 0; i < info->num_kv_buffers; ++i) {
    G4RT_RETURN_IF_ERROR(validate_kv_buffer(info, i));
  }
  return g4rt_ok_status();
}

g4rt_memory_plan_t g4rt_model_memory_plan(const g4_model_info_t *info) {
  g4rt_memory_plan_t plan;
  plan.kv_buffers = info->kv_plan;
  plan.num_kv_buffers = info->num_kv_buffers;
  plan.kv_bytes = info->kv_bytes;
  plan.scratch_bytes = info->scratch_bytes;
  plan.max_prefill_tokens = info->max_prefill_tokens;
  plan.weights_bytes = info->weights_bytes;
  return plan;
}

size_t g4rt_memory_plan_format(const g4rt_memory_plan_t *plan, char *buffer,
                               size_t capacity) {
  size_t length = 0;
  if (capacity > 0) buffer[0] = '\0';
  long long buffer_sum = 0;
  for (int64_t i = 0; i < plan->num_kv_buffers; ++i) {
    const g4_kv_buffer_t *b = &plan->kv_buffers[i];
    g4rt_format_append(
        buffer, capacity, &length,
        "KV buffer %lld: layer %d %s, capacity %lld x %lld kv heads x %lld "
        "head dim, offset %lld: %lld bytes\n",
        (long long)i, (int)b->layer, b->is_sliding ? "sliding" : "global",
        (long long)b->capacity, (long long)b->kv_heads, (long long)b->head_dim,
        (long long)b->offset, (long long)b->bytes);
    buffer_sum += b->bytes;
  }
  g4rt_format_append(buffer, capacity, &length,
                     "KV total: %lld bytes in %lld buffers (arena %lld bytes)\n"
                     "scratch: %lld bytes (prefill calls of at most %lld "
                     "tokens)\n"
                     "weights: %lld bytes\n",
                     buffer_sum, (long long)plan->num_kv_buffers,
                     (long long)plan->kv_bytes, (long long)plan->scratch_bytes,
                     (long long)plan->max_prefill_tokens,
                     (long long)plan->weights_bytes);
  return length;
}
