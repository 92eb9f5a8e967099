#pragma once
// Collects the instructions of one PTX kernel body and hands out virtual registers (ptxas allocates the real ones).
#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "ptx_types.hpp"

namespace ctgrad::rt::ptx {

class PtxWriter {
 public:
  // A fresh register of the given kind, e.g. "%r12".
  std::string reg(Reg kind);
  // Appends "\t[@guard ]opcode a, b, c;". A guard is a predicate register, "!"-prefixed to negate it.
  void ins(std::string_view opcode, std::initializer_list<std::string_view> operands, std::string_view guard = {});
  // A fresh label name (not yet placed) and its placement.
  std::string new_label(std::string_view hint);
  void place(std::string_view label);
  void comment(std::string_view text);

  // The ".reg" declarations for every register handed out so far.
  std::string declarations() const;
  const std::string& body() const { return body_; }

 private:
  std::array<int, 6> count_{};
  int labels_ = 0;
  std::string body_;
};

// Immediate operands, written exactly: floats as their bit patterns, integers as hex bit patterns.
std::string f32_imm(float v);
std::string f64_imm(double v);
std::string b32_imm(std::uint32_t v);
std::string b64_imm(std::uint64_t v);

}  // namespace ctgrad::rt::ptx
