#include "ptx_reduce_plan.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace ctgrad::rt::ptx {

namespace {

// Splits the program into its top-level Ranges; loop_of[i] is the index of the top-level Range holding i, or -1.
bool find_loops(const KernelProgram& p, BlockReducePlan& plan, std::vector<int>& loop_of) {
  int depth = 0, current = -1;
  for (std::size_t i = 0; i < p.insts.size(); ++i) {
    const KOp op = p.insts[i].op;
    if (op == KOp::Range && depth++ == 0) {
      plan.loops.push_back({static_cast<int>(i), -1, {}});
      current = static_cast<int>(plan.loops.size()) - 1;
    }
    loop_of[i] = current;
    if (op == KOp::EndRange && --depth == 0) {
      plan.loops.back().end = static_cast<int>(i);
      current = -1;
    }
    if (depth < 0) return false;
  }
  return depth == 0 && !plan.loops.empty();
}

}  // namespace

std::optional<BlockReducePlan> plan_block_reduce(const KernelProgram& p) {
  const auto n = p.insts.size();
  BlockReducePlan plan;
  std::vector<int> loop_of(n, -1);
  if (p.global_size > kMaxLongOutputs || !find_loops(p, plan, loop_of)) return std::nullopt;
  auto trip = [&](const BlockReducePlan::Loop& l) { return p.insts[static_cast<std::size_t>(l.range)].iarg; };
  const std::int64_t min_trip = p.global_size <= kMaxOutputs ? kMinTrip : kLongTrip;
  if (std::ranges::none_of(plan.loops, [&](const auto& l) { return trip(l) >= min_trip; })) return std::nullopt;

  std::vector<int> users(n, 0);
  for (std::size_t j = 0; j < n; ++j) {
    const KInst& in = p.insts[j];
    if (in.op == KOp::Store && static_cast<int>(j) < plan.loops.back().end) return std::nullopt;
    for (auto s : in.src) {
      if (s < 0 || in.op == KOp::EndRange) continue;
      ++users[static_cast<std::size_t>(s)];
      const int owner = loop_of[static_cast<std::size_t>(s)];
      if (owner >= 0 && owner != loop_of[j]) return std::nullopt;  // a loop value escapes its loop
    }
  }

  // Accumulators written inside a top-level loop but defined outside it: each must be a pure Add or Max reduction.
  std::map<int, std::pair<int, KOp>> reduced;  // DefAcc -> (loop, op)
  std::vector<int> update_of(n, -1);           // Add/Max instruction -> the accumulator it updates
  for (std::size_t j = 0; j < n; ++j) {
    const KInst& in = p.insts[j];
    const int loop = loop_of[j];
    if (in.op != KOp::AccStore || loop < 0) continue;
    const int acc = in.src[0], upd = in.src[1];
    if (loop_of[static_cast<std::size_t>(acc)] == loop) continue;  // private to each iteration: nothing to combine
    const KInst& u = p.insts[static_cast<std::size_t>(upd)];
    const DType dt = p.insts[static_cast<std::size_t>(acc)].dtype;
    if ((u.op != KOp::Add && u.op != KOp::Max) || dt == DType::Bool || u.dtype != dt) return std::nullopt;
    if ((u.src[0] == acc) == (u.src[1] == acc) || loop_of[static_cast<std::size_t>(upd)] != loop) return std::nullopt;
    if (users[static_cast<std::size_t>(upd)] != 1) return std::nullopt;
    auto [it, fresh] = reduced.emplace(acc, std::pair{loop, u.op});
    if (!fresh && it->second != std::pair{loop, u.op}) return std::nullopt;
    update_of[static_cast<std::size_t>(upd)] = acc;
  }
  // Inside its loop a reduced accumulator is read by its updates alone (elsewhere it would be a partial value).
  for (std::size_t j = 0; j < n; ++j) {
    const KInst& in = p.insts[j];
    for (std::size_t k = 0; k < in.src.size(); ++k) {
      auto it = reduced.find(in.src[k]);
      if (in.src[k] < 0 || in.op == KOp::EndRange || it == reduced.end() || it->second.first != loop_of[j]) continue;
      if (!(in.op == KOp::AccStore && k == 0) && update_of[j] != in.src[k]) return std::nullopt;
    }
  }

  for (auto& [acc, where] : reduced) plan.loops[static_cast<std::size_t>(where.first)].accs.push_back({acc, where.second, plan.slots++});
  plan.threads = p.global_size <= kFewOutputs ? 1024 : 256;
  return plan;
}

}  // namespace ctgrad::rt::ptx
