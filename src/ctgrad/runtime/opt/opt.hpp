#pragma once
// Optimization actions as data (tinygrad's codegen/opt): each one splits or reorders an axis of a kernel's iteration
// space. A kernel's schedule is just the list of actions applied to its lowered form, so it prints (DEBUG=3),
// compares, caches on disk (BEAM) and replays.
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace ctgrad::rt::opt {

enum class OptOp : std::uint8_t {
  Upcast,     // split an output axis by `amount`; the inner part is computed in registers by one invocation (a tile)
  Vectorize,  // the same, with the inner part as SIMD lanes (one per kernel; on a reduced axis: lane partial sums)
  Unroll,     // split a reduced axis; the inner part is unrolled in the loop body
  Swap,       // exchange output axes `axis` and `amount` in the invocation order (which tile the next g is)
  Pack,       // read reduction operand number `axis` from a copy laid out in the tile kernel's order (pack.hpp)
  Local,      // split an output axis by `amount`; the inner part is enumerated by the threads of one GPU block
  Stage,      // the block's threads load reduction operand number `axis` into shared memory together (stage.hpp)
  Inner,      // split an output axis by `amount`; the inner part is a loop inside the reduction's loops, accumulating
              // in the output buffer (a column sum walks each row's run of outputs: one stream of reads per thread)
};

struct Opt {
  OptOp op;
  int axis;
  int amount;
  bool operator==(const Opt&) const = default;
};

inline constexpr int kOptOps = 8;

inline const char* name(OptOp op) {
  constexpr const char* names[] = {"UPCAST", "VECTORIZE", "UNROLL", "SWAP", "PACK", "LOCAL", "STAGE", "INNER"};
  return names[static_cast<int>(op)];
}

inline std::string to_string(const std::vector<Opt>& opts) {
  std::string out;
  for (auto& o : opts) out += (out.empty() ? "" : " ") + std::string(name(o.op)) + "(" + std::to_string(o.axis) + "," + std::to_string(o.amount) + ")";
  return out.empty() ? "none" : out;
}

// The inverse of to_string (the BEAM disk cache stores this text); nullopt-like empty result with ok=false on junk.
inline bool parse_opts(const std::string& text, std::vector<Opt>& out) {
  out.clear();
  if (text == "none") return true;
  std::istringstream in(text);
  for (std::string word; in >> word;) {
    auto open = word.find('('), comma = word.find(','), close = word.find(')');
    if (open == std::string::npos || comma == std::string::npos || close == std::string::npos) return false;
    const std::string op = word.substr(0, open);
    int k = -1;
    for (int i = 0; i < kOptOps; ++i)
      if (op == name(static_cast<OptOp>(i))) k = i;
    if (k < 0) return false;
    try {
      out.push_back({static_cast<OptOp>(k), std::stoi(word.substr(open + 1, comma - open - 1)), std::stoi(word.substr(comma + 1, close - comma - 1))});
    } catch (...) {
      return false;
    }
  }
  return true;
}

}  // namespace ctgrad::rt::opt
