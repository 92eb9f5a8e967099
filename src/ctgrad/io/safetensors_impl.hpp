#pragma once
// The definitions of safetensors.hpp: compiled once into libctgrad (src/lib/ctgrad_io.cpp), or inline with
// CTGRAD_HEADER_ONLY. Includes nlohmann/json.
#include "ctgrad/runtime/implementation.hpp"
//
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "ctgrad/io/mapped_file.hpp"
#include "ctgrad/io/safetensors.hpp"

namespace ctgrad::io {

namespace detail {

inline constexpr std::uint64_t kMaxSafetensorsHeader = 100'000'000;  // the reference implementation's limit

[[noreturn]] inline void st_fail(const std::string& file, const std::string& problem) {
  throw IoError("safetensors file " + squoted(file) + ": " + problem);
}

// The JSON header as a value. Rejected while parsing: duplicate keys at any depth (nlohmann would keep the last one
// silently) and nesting deeper than the format's {"name": {"shape": [...]}}, so a hostile header cannot build a
// deep value (whose memory is many times its text's) or reach code that recurses over one.
inline nlohmann::json parse_header_json(std::string_view text, const std::string& file) {
  std::vector<std::set<std::string>> open_objects;
  auto check = [&](int depth, nlohmann::json::parse_event_t ev, nlohmann::json& parsed) {
    using E = nlohmann::json::parse_event_t;
    if ((ev == E::object_start || ev == E::array_start) && depth > 2)
      st_fail(file, "header nests deeper than the format's {\"name\": {\"shape\": [...]}}");
    if (ev == E::object_start)
      open_objects.emplace_back();
    else if (ev == E::object_end && !open_objects.empty())
      open_objects.pop_back();
    else if (ev == E::key && !open_objects.empty() && !open_objects.back().insert(parsed.get<std::string>()).second)
      st_fail(file, "header has the key " + squoted(parsed.get<std::string>()) + " twice");
    return true;
  };
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text.begin(), text.end(), check);
  } catch (const nlohmann::json::exception& e) {
    st_fail(file, std::string("header is not valid JSON: ") + e.what());
  }
  return j;
}

// A JSON value for an error message: short arrays of scalars as written, anything else by its kind. (nlohmann's
// dump() recurses: a deeply nested value in a hostile header would overflow the stack.)
inline std::string describe(const nlohmann::json& v) {
  if (v.is_primitive()) return v.dump();
  if (v.is_array() && v.size() <= 16 && std::all_of(v.begin(), v.end(), [](const auto& e) { return e.is_primitive(); })) return v.dump();
  return std::string(v.is_array() ? "an array of " : "an object of ") + std::to_string(v.size()) + (v.is_array() ? " elements" : " members");
}

inline std::uint64_t unsigned_field(const nlohmann::json& v, const std::string& file, const std::string& what) {
  if (!v.is_number_unsigned()) st_fail(file, what + " must be a non-negative integer, got " + describe(v));
  return v.get<std::uint64_t>();
}

struct Entry {
  std::string name;
  std::uint64_t begin, end;
};

// One tensor's description, checked on its own: known dtype, sane shape, offsets inside the data, sizes agreeing.
inline RawTensor parse_entry(const std::string& name, const nlohmann::json& info, std::uint64_t data_size, const std::string& file, Entry& range) {
  const std::string where = "tensor " + squoted(name);
  if (!info.is_object()) st_fail(file, where + ": expected an object, got " + std::string(info.type_name()));
  for (const auto& [key, _] : info.items())
    if (key != "dtype" && key != "shape" && key != "data_offsets") st_fail(file, where + ": unknown field " + squoted(key));
  for (const char* key : {"dtype", "shape", "data_offsets"})
    if (!info.contains(key)) st_fail(file, where + ": missing field '" + key + "'");
  RawTensor t;
  const auto& dt = info["dtype"];
  if (!dt.is_string()) st_fail(file, where + ": dtype must be a string, got " + describe(dt));
  const auto dtype = dtype_from_safetensors(dt.get<std::string>());
  if (!dtype) st_fail(file, where + ": unknown or unsupported dtype " + squoted(dt.get<std::string>()));
  t.dtype = *dtype;
  const auto& shape = info["shape"];
  if (!shape.is_array()) st_fail(file, where + ": shape must be an array, got " + describe(shape));
  for (const auto& d : shape) {
    const auto v = unsigned_field(d, file, where + ": each dimension");
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      st_fail(file, where + ": dimension " + describe(d) + " is too large");
    t.shape.push_back(static_cast<std::int64_t>(v));
  }
  const auto& offs = info["data_offsets"];
  if (!offs.is_array() || offs.size() != 2) st_fail(file, where + ": data_offsets must be [begin, end], got " + describe(offs));
  range = {name, unsigned_field(offs[0], file, where + ": data_offsets"), unsigned_field(offs[1], file, where + ": data_offsets")};
  if (range.begin > range.end) st_fail(file, where + ": data_offsets " + describe(offs) + " end before they begin");
  if (range.end > data_size)
    st_fail(file, where + ": data_offsets " + describe(offs) + " run past the end of the data (" + std::to_string(data_size) +
                      " bytes; is the file truncated?)");
  const auto numel = checked_numel(t.shape);
  std::uint64_t nbytes = 0;
  if (!numel || __builtin_mul_overflow(static_cast<std::uint64_t>(*numel), rt::itemsize(t.dtype), &nbytes))
    st_fail(file, where + ": shape " + describe(shape) + " has too many elements");
  if (nbytes != range.end - range.begin)
    st_fail(file, where + ": shape " + describe(shape) + " of " + dt.get<std::string>() + " needs " + std::to_string(nbytes) +
                      " bytes but data_offsets " + describe(offs) + " hold " + std::to_string(range.end - range.begin));
  return t;
}

// The ranges, sorted, must tile [0, data_size): the format leaves no room for gaps, overlaps or trailing bytes.
inline void check_tiling(std::vector<Entry>& ranges, std::uint64_t data_size, const std::string& file) {
  std::sort(ranges.begin(), ranges.end(), [](const Entry& a, const Entry& b) { return std::tie(a.begin, a.end) < std::tie(b.begin, b.end); });
  std::uint64_t at = 0;
  const Entry* prev = nullptr;
  for (const auto& r : ranges) {
    if (r.begin < at)
      st_fail(file, "tensors " + squoted(prev->name) + " and " + squoted(r.name) + " overlap (bytes " + std::to_string(r.begin) + " to " +
                        std::to_string(std::min(at, r.end)) + " of the data)");
    if (r.begin > at) st_fail(file, "bytes " + std::to_string(at) + " to " + std::to_string(r.begin) + " of the data belong to no tensor");
    at = r.end;
    if (r.end > r.begin || !prev) prev = &r;
  }
  if (at != data_size)
    st_fail(file, std::to_string(data_size - at) + " bytes after the last tensor belong to no tensor (data is " + std::to_string(data_size) +
                      " bytes, tensors end at " + std::to_string(at) + ")");
}

}  // namespace detail

CTGRAD_API Safetensors parse_safetensors(std::span<const std::byte> bytes, const std::string& file, std::shared_ptr<const void> owner) {
  using detail::st_fail;
  if (bytes.size() < 8) st_fail(file, "truncated: " + std::to_string(bytes.size()) + " bytes, but the file starts with an 8-byte header length");
  std::uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  if (n > bytes.size() - 8)
    st_fail(file, "header length " + std::to_string(n) + " runs past the end of the file (" + std::to_string(bytes.size()) + " bytes)");
  if (n > detail::kMaxSafetensorsHeader)
    st_fail(file, "header length " + std::to_string(n) + " exceeds the format's limit of " + std::to_string(detail::kMaxSafetensorsHeader));
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()) + 8, n);
  if (text.empty() || text.front() != '{') st_fail(file, "header does not start with '{'");
  const auto header = detail::parse_header_json(text, file);
  if (!header.is_object()) st_fail(file, "header is not a JSON object");
  const std::uint64_t data_size = bytes.size() - 8 - n;
  const std::byte* data = bytes.data() + 8 + n;

  Safetensors out;
  std::vector<detail::Entry> ranges;
  for (const auto& [name, info] : header.items()) {
    if (name == "__metadata__") {
      if (!info.is_object()) st_fail(file, "__metadata__ must be an object of strings, got " + std::string(info.type_name()));
      for (const auto& [k, v] : info.items()) {
        if (!v.is_string()) st_fail(file, "__metadata__ value of " + squoted(k) + " must be a string, got " + detail::describe(v));
        out.metadata.emplace(k, v.get<std::string>());
      }
      continue;
    }
    detail::Entry range{};
    RawTensor t = detail::parse_entry(name, info, data_size, file, range);
    t.bytes = std::span<const std::byte>(data + range.begin, range.end - range.begin);
    t.owner = owner;
    ranges.push_back(range);
    out.tensors.emplace(name, std::move(t));
  }
  detail::check_tiling(ranges, data_size, file);
  return out;
}

CTGRAD_API Safetensors read_safetensors_file(const std::string& path) {
  auto f = MappedFile::open(path);
  return parse_safetensors(f->bytes(), path, f);
}

CTGRAD_API std::string safetensors_header(const std::map<std::string, RawTensor>& tensors, const std::map<std::string, std::string>& metadata,
                                          const std::string& file) {
  using detail::st_fail;
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::uint64_t at = 0;
  for (const auto* kv : detail::file_order(tensors)) {
    const auto& [name, t] = *kv;
    if (name == "__metadata__") st_fail(file, "a tensor cannot be named '__metadata__'");
    const auto numel = checked_numel(t.shape);
    std::uint64_t nbytes = 0;
    if (!numel || __builtin_mul_overflow(static_cast<std::uint64_t>(*numel), rt::itemsize(t.dtype), &nbytes) || nbytes != t.bytes.size())
      st_fail(file,
              "tensor " + squoted(name) + ": " + std::to_string(t.bytes.size()) + " bytes do not match its shape and dtype " + rt::name(t.dtype));
    header[name] = {{"dtype", safetensors_dtype(t.dtype)}, {"shape", t.shape}, {"data_offsets", {at, at + nbytes}}};
    at += nbytes;
  }
  std::string text;
  try {
    text = header.dump();
  } catch (const nlohmann::json::exception& e) {  // a name or metadata string that is not UTF-8
    st_fail(file, std::string("cannot write the header: ") + e.what());
  }
  text.append((8 - text.size() % 8) % 8, ' ');
  const std::uint64_t n = text.size();
  std::string out(8, '\0');
  std::memcpy(out.data(), &n, 8);
  return out + text;
}

CTGRAD_API void write_safetensors(const std::string& path, const std::map<std::string, RawTensor>& tensors,
                                  const std::map<std::string, std::string>& metadata) {
  const std::string head = safetensors_header(tensors, metadata, path);
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) detail::st_fail(path, std::string("cannot create ") + squoted(tmp) + ": " + std::strerror(errno));
  bool ok = std::fwrite(head.data(), 1, head.size(), f) == head.size();
  for (const auto* kv : detail::file_order(tensors)) {
    const auto& b = kv->second.bytes;
    ok = ok && (b.empty() || std::fwrite(b.data(), 1, b.size(), f) == b.size());
  }
  const int err = errno;
  ok = (std::fclose(f) == 0) && ok;
  std::error_code ec;
  if (ok) std::filesystem::rename(tmp, path, ec);
  if (!ok || ec) {
    const std::string why = ok ? "cannot rename " + squoted(tmp) + " to it: " + ec.message() : std::string("cannot write: ") + std::strerror(err);
    std::filesystem::remove(tmp, ec);
    detail::st_fail(path, why);
  }
}

}  // namespace ctgrad::io
