//===- JsonReader.cpp - Strict, typed reading of JSON objects -------------===//

#include "model_defs/JsonReader.h"
#include "model_defs/ModelDefSupport.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

namespace g4::detail {

using llvm::StringRef;
using llvm::Twine;
using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

static bool isRequired(Presence p) {
  return p == Presence::Required || p == Presence::RequiredNullable;
}
static bool isNullable(Presence p) {
  return p == Presence::RequiredNullable || p == Presence::OptionalNullable;
}

std::string describe(const Value &v) {
  switch (v.kind()) {
  case Value::Null:
    return "null";
  case Value::Boolean:
    return (*v.getAsBoolean() ? "true" : "false") + std::string(" (a boolean)");
  case Value::Number:
    if (auto i = v.getAsInteger())
      return std::to_string(*i) + " (a number)";
    return formatNumber(*v.getAsNumber()) + " (a number)";
  case Value::String:
    return "\"" + v.getAsString()->str() + "\" (a string)";
  case Value::Array:
    return "an array of " + std::to_string(v.getAsArray()->size()) + " elements";
  case Value::Object:
    return "an object";
  }
  return "an unknown value";
}

void Diagnostics::error(const Twine &keyPath, const Twine &message) {
  messages.push_back((file + ": " + keyPath + ": " + message).str());
}

llvm::Error Diagnostics::take() { return joinMessages(messages); }

bool NumberRange::contains(double d) const {
  return std::isfinite(d) && (loOpen ? d > lo : d >= lo) && d <= hi;
}

std::string NumberRange::text() const {
  if (std::isinf(hi))
    return (loOpen ? "a number > " : "a number >= ") + formatNumber(lo);
  return (loOpen ? "a number in (" : "a number in [") + formatNumber(lo) + ", " + formatNumber(hi) +
         "]";
}

const Value *ObjectReader::get(StringRef key, Presence presence) {
  seen.insert(key);
  const Value *v = object.get(key);
  if (!v) {
    if (isRequired(presence))
      diag.error(path(key), "required key is missing");
    return nullptr;
  }
  if (v->kind() == Value::Null) {
    if (!isNullable(presence))
      diag.error(path(key), "expected a value, found null");
    return nullptr;
  }
  return v;
}

std::optional<int64_t> ObjectReader::integer(StringRef key, Presence presence, int64_t lo,
                                             int64_t hi) {
  const Value *v = get(key, presence);
  if (!v)
    return std::nullopt;
  return checkInteger(*v, path(key), lo, hi);
}

std::optional<int64_t> ObjectReader::checkInteger(const Value &v, const Twine &keyPath, int64_t lo,
                                                  int64_t hi) {
  std::optional<int64_t> i = v.getAsInteger();
  if (i && *i >= lo && *i <= hi)
    return i;
  diag.error(keyPath,
             llvm::formatv("expected an integer in [{0}, {1}], found {2}", lo, hi, describe(v)));
  return std::nullopt;
}

std::optional<double> ObjectReader::number(StringRef key, Presence presence, NumberRange range) {
  const Value *v = get(key, presence);
  if (!v)
    return std::nullopt;
  std::optional<double> d = v->getAsNumber();
  if (d && range.contains(*d))
    return d;
  diag.error(path(key), "expected " + range.text() + ", found " + describe(*v));
  return std::nullopt;
}

std::optional<bool> ObjectReader::boolean(StringRef key, Presence presence) {
  const Value *v = get(key, presence);
  if (!v)
    return std::nullopt;
  std::optional<bool> b = v->getAsBoolean();
  if (!b)
    diag.error(path(key), "expected true or false, found " + describe(*v));
  return b;
}

std::optional<StringRef> ObjectReader::choice(StringRef key, Presence presence,
                                              llvm::ArrayRef<StringRef> allowed) {
  const Value *v = get(key, presence);
  if (!v)
    return std::nullopt;
  std::optional<StringRef> s = v->getAsString();
  if (s && llvm::is_contained(allowed, *s))
    return s;
  std::string options;
  for (StringRef a : allowed)
    options += (options.empty() ? "\"" : ", \"") + a.str() + "\"";
  if (isNullable(presence))
    options += ", null";
  diag.error(path(key), "expected one of " + options + "; found " + describe(*v));
  return std::nullopt;
}

const Object *ObjectReader::objectValue(StringRef key, Presence presence) {
  const Value *v = get(key, presence);
  if (!v)
    return nullptr;
  if (const Object *o = v->getAsObject())
    return o;
  diag.error(path(key), "expected an object, found " + describe(*v));
  return nullptr;
}

const Array *ObjectReader::arrayValue(StringRef key, Presence presence) {
  const Value *v = get(key, presence);
  if (!v)
    return nullptr;
  if (const Array *a = v->getAsArray())
    return a;
  diag.error(path(key), "expected an array, found " + describe(*v));
  return nullptr;
}

void ObjectReader::requireWhen(bool condition, StringRef key, const Twine &reason) {
  const Value *v = object.get(key);
  if (condition && (!v || v->kind() == Value::Null))
    diag.error(path(key), (v ? "expected a value, found null" : "required key is missing") +
                              Twine(" (") + reason + ")");
}

void ObjectReader::ignore(llvm::ArrayRef<const char *> keys) {
  for (const char *key : keys)
    seen.insert(key);
}

void ObjectReader::rejectUnknownKeys() {
  for (const auto &entry : object)
    if (!seen.contains(entry.first.str()))
      diag.error(path(entry.first.str()),
                 "unknown key (g4c cannot tell how it would change the text decoder)");
}

} // namespace g4::detail
