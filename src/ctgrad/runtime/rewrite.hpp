#pragma once
// The rewrite engine: rules are data. A Rule pairs a pattern with a function; a Matcher is a list of rules indexed
// by op and composed with `+` (tinygrad's PatternMatcher). graph_rewrite applies a matcher bottom-up to a fixed point.
#include <algorithm>
#include <array>
#include <functional>
#include <initializer_list>
#include <optional>
#include <unordered_map>
#include <vector>

#include "ctgrad/runtime/uop.hpp"

namespace ctgrad::rt {

// What a successful match binds: slot k holds the node matched by the sub-pattern named k.
using Binds = std::array<UOpPtr, 6>;

struct Pat {
  std::vector<Ops> ops;          // empty: any op
  std::vector<Pat> src;          // empty: any sources
  int slot = -1;                 // >= 0: bind the node to this slot (a slot bound twice must be the same node)
  bool commutative = false;      // for two sources: also try them swapped
  std::function<bool(const UOp&)> where;  // an extra condition on the node

  bool match(const UOpPtr& n, Binds& b) const {
    if (!ops.empty() && std::find(ops.begin(), ops.end(), n->op) == ops.end()) return false;
    if (where && !where(*n)) return false;
    if (slot >= 0) {
      auto& s = b[static_cast<std::size_t>(slot)];
      if (s && s != n) return false;
      s = n;
    }
    if (src.empty()) return true;
    if (src.size() != n->src.size()) return false;
    Binds saved = b;
    if (match_sources(n->src[0], n->src.size() > 1 ? n->src[1] : nullptr, n, b)) return true;
    b = saved;
    return commutative && n->src.size() == 2 && match_sources(n->src[1], n->src[0], n, b);
  }

 private:
  bool match_sources(const UOpPtr& first, const UOpPtr& second, const UOpPtr& n, Binds& b) const {
    if (!src[0].match(first, b)) return false;
    if (src.size() > 1 && !src[1].match(second, b)) return false;
    for (std::size_t i = 2; i < src.size(); ++i)
      if (!src[i].match(n->src[i], b)) return false;
    return true;
  }
};

// Pattern builders, so rules read like the algebra they encode.
namespace pat {
inline Pat any(int slot) { return Pat{{}, {}, slot, false, {}}; }
inline Pat cnst(int slot) { return Pat{{Ops::Const}, {}, slot, false, {}}; }
inline Pat cnst_eq(double v) { return Pat{{Ops::Const}, {}, -1, false, [v](const UOp& n) { return n.arg.value == v; }}; }
inline Pat op(Ops o, std::vector<Pat> src, int slot = -1) {
  const bool comm = o == Ops::Add || o == Ops::Mul || o == Ops::Max || o == Ops::And || o == Ops::Or || o == Ops::Xor ||
                    o == Ops::CmpNe || o == Ops::CmpEq;
  return Pat{{o}, std::move(src), slot, comm, {}};
}
}  // namespace pat

using RewriteFn = std::function<UOpPtr(const UOpPtr& node, const Binds& b)>;  // nullptr: no change
struct Rule {
  Pat pattern;
  RewriteFn rewrite;
};

class Matcher {
 public:
  Matcher() = default;
  Matcher(std::initializer_list<Rule> rules) {
    for (auto& r : rules) add(r);
  }
  void add(const Rule& r) {
    if (r.pattern.ops.empty()) {
      generic_.push_back(r);
    } else {
      for (Ops o : r.pattern.ops) by_op_[o].push_back(r);
    }
  }
  friend Matcher operator+(Matcher a, const Matcher& b) {
    for (auto& [op, rules] : b.by_op_)
      for (auto& r : rules) a.by_op_[op].push_back(r);
    for (auto& r : b.generic_) a.generic_.push_back(r);
    return a;
  }
  // The first rule that matches and rewrites; nullptr when none does.
  UOpPtr rewrite(const UOpPtr& n) const {
    if (auto it = by_op_.find(n->op); it != by_op_.end())
      if (auto r = try_rules(it->second, n)) return r;
    return try_rules(generic_, n);
  }
  std::size_t size() const {
    std::size_t k = generic_.size();
    for (auto& [op, rules] : by_op_) k += rules.size();
    return k;
  }

 private:
  static UOpPtr try_rules(const std::vector<Rule>& rules, const UOpPtr& n) {
    for (auto& r : rules) {
      Binds b{};
      if (r.pattern.match(n, b))
        if (auto out = r.rewrite(n, b); out && out != n) return out;
    }
    return nullptr;
  }
  std::unordered_map<Ops, std::vector<Rule>> by_op_;
  std::vector<Rule> generic_;
};

// Rewrites sources first, then the node, repeating on each result until no rule applies.
inline UOpPtr graph_rewrite(const UOpPtr& root, const Matcher& m) {
  // Keyed by address, so each key node is kept alive with its result: an intermediate freed mid-rewrite could
  // otherwise hand its address to a new node and a stale entry would answer for it.
  std::unordered_map<const UOp*, std::pair<UOpPtr, UOpPtr>> done;
  auto visit = [&](auto&& self, const UOpPtr& n) -> UOpPtr {
    if (auto it = done.find(n.get()); it != done.end()) return it->second.second;
    std::vector<UOpPtr> src;
    bool changed = false;
    for (auto& s : n->src) {
      src.push_back(self(self, s));
      changed |= src.back() != s;
    }
    UOpPtr cur = changed ? make_uop(n->op, n->dtype, std::move(src), n->arg, n->shape, n->buffer) : n;
    for (int guard = 0; guard < 1000; ++guard) {
      auto next = m.rewrite(cur);
      if (!next) break;
      cur = self(self, next);  // the result's new sources may match rules too
    }
    done.emplace(n.get(), std::make_pair(n, cur));
    return cur;
  };
  return visit(visit, root);
}

}  // namespace ctgrad::rt
