#include "ptx_writer.hpp"

#include <bit>
#include <cstdio>

namespace ctgrad::rt::ptx {

namespace {
struct RegKindInfo {
  const char* prefix;
  const char* type;
};
constexpr RegKindInfo kinds[] = {{"%p", ".pred"}, {"%h", ".b16"}, {"%r", ".b32"}, {"%rd", ".b64"}, {"%f", ".f32"}, {"%fd", ".f64"}};
}  // namespace

std::string PtxWriter::reg(Reg kind) {
  auto k = static_cast<std::size_t>(kind);
  return kinds[k].prefix + std::to_string(count_[k]++);
}

void PtxWriter::ins(std::string_view opcode, std::initializer_list<std::string_view> operands, std::string_view guard) {
  body_ += '\t';
  if (!guard.empty()) {
    body_ += '@';
    body_ += guard;
    body_ += ' ';
  }
  body_ += opcode;
  const char* sep = " ";
  for (auto op : operands) {
    body_ += sep;
    body_ += op;
    sep = ", ";
  }
  body_ += ";\n";
}

std::string PtxWriter::new_label(std::string_view hint) { return "$L_" + std::string(hint) + "_" + std::to_string(labels_++); }

void PtxWriter::place(std::string_view label) {
  body_ += label;
  body_ += ":\n";
}

void PtxWriter::comment(std::string_view text) {
  body_ += "\t// ";
  body_ += text;
  body_ += '\n';
}

std::string PtxWriter::declarations() const {
  std::string out;
  for (std::size_t k = 0; k < count_.size(); ++k)
    if (count_[k] > 0) out += std::string("\t.reg ") + kinds[k].type + " " + kinds[k].prefix + "<" + std::to_string(count_[k]) + ">;\n";
  return out;
}

std::string f32_imm(float v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0f%08X", std::bit_cast<std::uint32_t>(v));
  return buf;
}

std::string f64_imm(double v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0d%016llX", static_cast<unsigned long long>(std::bit_cast<std::uint64_t>(v)));
  return buf;
}

std::string b32_imm(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08X", v);
  return buf;
}

std::string b64_imm(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016llX", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace ctgrad::rt::ptx
