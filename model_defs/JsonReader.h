//===- JsonReader.h - Strict, typed reading of JSON objects ------*- C++ -*-===//
//
// Internal to G4ModelDef. Reads typed values out of llvm::json objects for the
// config.json importer: every value is type- and range-checked, every read key is
// remembered so the rest can be reported as unknown, and every problem becomes a
// message "<file>: <key path>: expected ..., found ..." instead of an early return, so
// one run reports all of a file's problems.
//
//===----------------------------------------------------------------------===//
#ifndef G4_MODEL_DEFS_JSONREADER_H
#define G4_MODEL_DEFS_JSONREADER_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace g4::detail {

/// The largest integer a size or id may take (ModelDef fields are 32-bit).
inline constexpr int64_t kMaxJsonInt = std::numeric_limits<int32_t>::max();

/// The found value of an error message with its JSON kind, e.g. `"96" (a string)`.
std::string describe(const llvm::json::Value &v);

/// Error messages of one file, each "<file>: <key path>: <message>".
class Diagnostics {
public:
  explicit Diagnostics(llvm::StringRef file) : file(file.str()) {}

  void error(const llvm::Twine &keyPath, const llvm::Twine &message);
  bool failed() const { return !messages.empty(); }
  /// All messages as one error, or success.
  llvm::Error take();

private:
  std::string file;
  std::vector<std::string> messages;
};

/// Whether a key must be present, and whether JSON null is accepted (read as absent).
enum class Presence { Required, RequiredNullable, Optional, OptionalNullable };

/// Bounds of a floating-point key; the lower bound may be exclusive.
struct NumberRange {
  double lo;
  bool loOpen;
  double hi = std::numeric_limits<double>::infinity();

  bool contains(double d) const;
  /// "a number > 0", "a number in (0, 1]", ...
  std::string text() const;
};
inline constexpr NumberRange kPositive{0.0, /*loOpen=*/true};
inline constexpr NumberRange kNonNegative{0.0, /*loOpen=*/false};
inline constexpr NumberRange kFraction{0.0, /*loOpen=*/true, 1.0};

/// Typed access to one JSON object whose keys are reported as `prefix` + key.
/// Getters return nullopt/null when the key is absent, null (where allowed) or wrong;
/// in the last case the problem has been recorded.
class ObjectReader {
public:
  ObjectReader(const llvm::json::Object &object, std::string prefix, Diagnostics &diag)
      : object(object), prefix(std::move(prefix)), diag(diag) {}

  std::string path(llvm::StringRef key) const { return prefix + key.str(); }
  Diagnostics &diagnostics() { return diag; }

  /// The value of `key`, or null when it is absent or null and `presence` allows it.
  const llvm::json::Value *get(llvm::StringRef key, Presence presence);

  std::optional<int64_t> integer(llvm::StringRef key, Presence presence, int64_t lo,
                                 int64_t hi = kMaxJsonInt);
  /// Checks a value that is not directly under a key (e.g. an array element).
  std::optional<int64_t> checkInteger(const llvm::json::Value &v, const llvm::Twine &keyPath,
                                      int64_t lo, int64_t hi);
  std::optional<double> number(llvm::StringRef key, Presence presence, NumberRange range);
  std::optional<bool> boolean(llvm::StringRef key, Presence presence);
  /// A string that must be one of `allowed`.
  std::optional<llvm::StringRef> choice(llvm::StringRef key, Presence presence,
                                        llvm::ArrayRef<llvm::StringRef> allowed);
  const llvm::json::Object *objectValue(llvm::StringRef key, Presence presence);
  const llvm::json::Array *arrayValue(llvm::StringRef key, Presence presence);

  /// Records that `key` must be present and not null when `condition` holds, because
  /// of `reason`. Keys with a wrong type were reported when read.
  void requireWhen(bool condition, llvm::StringRef key, const llvm::Twine &reason);

  /// Keys that are known and deliberately not read.
  void ignore(llvm::ArrayRef<const char *> keys);
  /// Reports every key neither read nor ignored.
  void rejectUnknownKeys();

private:
  const llvm::json::Object &object;
  std::string prefix;
  Diagnostics &diag;
  llvm::StringSet<> seen;
};

} // namespace g4::detail

#endif // G4_MODEL_DEFS_JSONREADER_H
