#pragma once
// The definitions of uop.hpp's constructor, hashes, intern table and dump: compiled once into libctgrad, or inline
// with CTGRAD_HEADER_ONLY.
#include <mutex>
#include <unordered_map>

#include "ctgrad/runtime/spec.hpp"
#include "ctgrad/runtime/uop.hpp"

namespace ctgrad::rt {

namespace detail {

CTGRAD_API std::size_t local_hash_of(Ops op, DType dtype, const UArg& arg, const NodeShape& shape) {
  std::size_t h = hash_mix(static_cast<std::size_t>(op), static_cast<std::size_t>(dtype));
  h = hash_mix(h, std::hash<double>{}(arg.value));
  h = hash_mix(h, static_cast<std::size_t>(arg.index));
  h = hash_mix(h, static_cast<std::size_t>(arg.alu) << 32 | arg.axes | static_cast<std::size_t>(arg.leaf) << 40);
  if (arg.adjoint) h = hash_mix(h, reinterpret_cast<std::uintptr_t>(arg.adjoint.get()));
  if (arg.move) {
    h = hash_mix(h, static_cast<std::size_t>(arg.move->kind) << 8 | arg.move->rank);
    for (std::size_t d = 0; d < kMaxRank; ++d) h = hash_mix(h, static_cast<std::size_t>(arg.move->a[d] * 131 + arg.move->b[d]));
  }
  if (arg.view) {
    for (std::uint8_t v = 0; v < arg.view->depth; ++v) {
      const auto& w = arg.view->views[v];
      for (std::uint8_t d = 0; d < w.rank; ++d) h = hash_mix(h, static_cast<std::size_t>(w.shape[d] * 31 + w.stride[d] * 7 + w.lo[d] * 3 + w.hi[d]));
      h = hash_mix(h, static_cast<std::size_t>(w.offset));
    }
  }
  for (std::uint8_t d = 0; d < shape.rank; ++d) h = hash_mix(h, static_cast<std::size_t>(shape.shape[d]));
  return hash_mix(h, shape.rank);
}
CTGRAD_API std::size_t hash_of(std::size_t local, const std::vector<UOpPtr>& src) {
  for (auto& s : src) local = hash_mix(local, s->hash);
  return local;
}

// The intern table holds weak references: a node lives as long as some tensor or graph holds it.
struct UOpTable {
  std::mutex mutex;
  std::unordered_multimap<std::size_t, std::weak_ptr<const UOp>> nodes;
  std::size_t live = 0;
};
inline UOpTable& uop_table() {
  static auto* table = new UOpTable;  // leaked on purpose: nodes may die during static destruction
  return *table;
}

}  // namespace detail

CTGRAD_API std::size_t live_uops() {
  auto& t = detail::uop_table();
  std::lock_guard lock(t.mutex);
  return t.live;
}

CTGRAD_API UOpPtr make_uop(Ops op, DType dtype, std::vector<UOpPtr> src, UArg arg, const NodeShape& shape,
                           std::shared_ptr<Buffer> buffer) {
#ifndef NDEBUG
  check_spec(op, dtype, src, arg, shape);
#endif
  const std::size_t local = detail::local_hash_of(op, dtype, arg, shape);
  const std::size_t h = detail::hash_of(local, src);
  auto& table = detail::uop_table();
  std::lock_guard lock(table.mutex);
  auto [lo, hi] = table.nodes.equal_range(h);
  for (auto it = lo; it != hi; ++it) {
    if (auto n = it->second.lock()) {
      if (n->op == op && n->dtype == dtype && n->src == src && n->arg == arg && n->shape == shape && n->buffer == buffer) return n;
    }
  }
  bool needs_grad = arg.leaf;
  for (auto& s : src) needs_grad = needs_grad || s->needs_grad;
  needs_grad = needs_grad && is_float(dtype) && op != Ops::Detach;
  auto* raw = new UOp{op, dtype, std::move(src), std::move(arg), shape, std::move(buffer), h, local, needs_grad, nullptr, {}};
  UOpPtr node(raw, [h](const UOp* dead) {
    auto& t = detail::uop_table();
    {
      std::lock_guard lock(t.mutex);
      auto [a, b] = t.nodes.equal_range(h);
      for (auto it = a; it != b; ++it) {
        if (it->second.expired()) {  // this node's own entry (its count just hit zero) or another dead one
          t.nodes.erase(it);
          break;
        }
      }
      --t.live;
    }
    delete dead;
  });
  table.nodes.emplace(h, node);
  ++table.live;
  return node;
}

CTGRAD_API UOpPtr const_like(const UOp& like, double v, DType dtype) {
  UArg a;
  a.value = v;
  return make_uop(Ops::Const, dtype, {}, a, like.shape);
}

CTGRAD_API std::string to_string(const UOpPtr& root) {
  std::unordered_map<const UOp*, int> ids;
  std::string out;
  auto visit = [&](auto&& self, const UOpPtr& n) -> int {
    if (auto it = ids.find(n.get()); it != ids.end()) return it->second;
    std::vector<int> srcs;
    for (auto& s : n->src) srcs.push_back(self(self, s));
    int id = static_cast<int>(ids.size());
    ids[n.get()] = id;
    out += "  %" + std::to_string(id) + " = " + name(n->op) + " " + name(n->dtype) + " (";
    for (std::uint8_t d = 0; d < n->rank(); ++d) out += (d ? "," : "") + std::to_string(n->shape.shape[d]);
    out += ")";
    for (int s : srcs) out += " %" + std::to_string(s);
    if (n->op == Ops::Const || n->op == Ops::Special || n->op == Ops::Range) out += " " + std::to_string(n->arg.value);
    if (n->op == Ops::Param) out += " #" + std::to_string(n->arg.index);
    if (n->op == Ops::Reduce || n->op == Ops::Acc) out += std::string(" ") + name(n->arg.alu);
    out += "\n";
    return id;
  };
  visit(visit, root);
  return out;
}

}  // namespace ctgrad::rt
