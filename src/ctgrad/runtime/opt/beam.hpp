#pragma once
// BEAM=n: beam search over action lists (tinygrad's search.py). Each round extends every list in the beam by one
// legal action, compiles and times each candidate on the kernel's own buffers, and keeps the n fastest; the
// heuristic's choice is a starting point, so the search never returns something slower than it measured.
// The winner is stored on disk beside the kernel cache, keyed by the device's compiler id (which names the CPU and
// its features) and the unoptimized program's hash, so another machine or compiler never reuses it.
#include <chrono>
#include <filesystem>
#include <fstream>

#include "ctgrad/runtime/cache.hpp"
#include "ctgrad/runtime/opt/heuristic.hpp"
#include "ctgrad/runtime/opt/pack.hpp"
#include "ctgrad/runtime/opt/tile_linearize.hpp"

namespace ctgrad::rt::opt {

// The program for `opts` (packing realizes copies into a private copy of the kernel's parameters).
inline std::optional<KernelProgram> candidate_program(const LoweredKernel& base, const std::vector<Opt>& opts, LoweredKernel& scratch) {
  scratch = base;
  OptKernel ok(scratch);
  for (auto& o : opts)
    if (o.op != OptOp::Pack && !ok.apply(o)) return std::nullopt;
  if (ok.applied().empty()) return linearize_unoptimized(scratch);
  std::string note;
  for (auto& o : opts)
    if (o.op == OptOp::Pack && !pack_load(ok, scratch, o.axis, note)) return std::nullopt;
  return TileLinearizer(ok, true).program();
}

// Seconds per run of `opts` on the kernel's buffers (best of 3; one run when it is over 3x `best`), or nothing when
// the list is illegal. With `per_call`, each run also lowers again and makes the packing copies, as every call of a
// kernel with packed operands does (an unpacked kernel's schedule is cached after its first call).
inline std::optional<double> time_candidate(const LoweredKernel& k, const std::vector<Opt>& opts, double best_so_far, bool per_call = false) {
  Device& dev = device(k.params[0]->device);
  LoweredKernel scratch;
  std::optional<KernelProgram> program;
  std::vector<DeviceBuffer*> bufs;
  double best = 1e30;
  for (int rep = 0; rep < 3; ++rep) {
    auto t0 = std::chrono::steady_clock::now();
    if (rep == 0 || per_call) {
      program = candidate_program(k, opts, scratch);
      if (!program) return std::nullopt;
      bufs.clear();
      for (auto& b : scratch.params) bufs.push_back(&b->storage());
    }
    auto kernel = KernelCache::instance().get(dev, *program);
    if (!per_call) t0 = std::chrono::steady_clock::now();
    kernel->run(bufs, *program);
    dev.synchronize();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    if (best > 3 * best_so_far) break;  // clearly slower: one run says enough
  }
  return best;
}

// Every single action worth trying next on `ok`. PACK is not among them: a candidate is timed by its kernel alone,
// which leaves out what packing costs on each call (the copies, and lowering again); the heuristic's PACKs, decided
// by size, are kept on every candidate, and only the finalists are timed without them too (per call).
inline std::vector<Opt> next_actions(const OptKernel& ok) {
  std::vector<Opt> out;
  const auto& axes = ok.axes();
  const int width = cpu_vector_bytes() / 4;
  for (int i = 0; i < static_cast<int>(axes.size()); ++i) {
    const auto kind = axes[static_cast<std::size_t>(i)].kind;
    if (kind == AxisKind::Global) {
      for (int a : {2, 3, 4, 8}) out.push_back({OptOp::Upcast, i, a});
      out.push_back({OptOp::Vectorize, i, width});
      for (int j = 0; j < static_cast<int>(axes.size()); ++j)
        if (j != i && axes[static_cast<std::size_t>(j)].kind == AxisKind::Global) out.push_back({OptOp::Swap, i, j});
    }
    if (kind == AxisKind::Reduce) {
      for (int a : {2, 4}) out.push_back({OptOp::Unroll, i, a});
      for (int a : {width, 4 * width}) out.push_back({OptOp::Vectorize, i, a});
    }
  }
  return out;
}

inline std::filesystem::path beam_file(const Device& dev, const KernelProgram& plain, int width) {
  const auto dir = cache_dir();
  if (dir.empty()) return {};
  const std::uint64_t key = fnv1a(dev.compiler_id() + "\n" + std::to_string(plain.hash()) + "\n" + std::to_string(width));
  char name[40];
  std::snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(key));
  return dir / "beam" / (dev.name() + "-" + name + ".txt");
}

inline std::vector<Opt> beam_opts(LoweredKernel& k, int width) {
  OptKernel start(k);
  auto heuristic = hand_coded_opts(start);
  std::vector<Opt> packs;  // the heuristic's, kept last on every candidate
  for (auto it = heuristic.begin(); it != heuristic.end();)
    if (it->op == OptOp::Pack) {
      packs.push_back(*it);
      it = heuristic.erase(it);
    } else {
      ++it;
    }
  auto with_packs = [&](std::vector<Opt> opts) {
    opts.insert(opts.end(), packs.begin(), packs.end());
    return opts;
  };
  KernelFacts facts;
  std::unordered_set<const UOp*> seen;
  collect_facts(k.ast, false, facts, seen);
  if (!facts.acc) return heuristic;  // elementwise kernels: LLVM and gcc vectorize the loop over g already
  Device& dev = device(k.params[0]->device);
  const auto file = beam_file(dev, linearize_unoptimized(k), width);
  const std::string magic = "CTGRAD-BEAM-1";
  if (!file.empty()) {
    std::ifstream in(file);
    std::string m, id, text;
    std::vector<Opt> cached;
    if (std::getline(in, m) && m == magic && std::getline(in, id) && id == dev.compiler_id() && std::getline(in, text) && parse_opts(text, cached))
      return cached;
  }
  struct Entry {
    std::vector<Opt> opts;
    double seconds;
    bool packed = true;  // with the heuristic's PACKs
  };
  // seeds: the heuristic's list and its prefixes (the unoptimized kernel only when the heuristic has nothing: it can
  // be thousands of times slower, and every candidate is run)
  std::vector<Entry> beam;
  for (std::size_t n = heuristic.empty() ? 0 : 1; n <= heuristic.size(); ++n) {
    std::vector<Opt> seed(heuristic.begin(), heuristic.begin() + static_cast<std::ptrdiff_t>(n));
    if (auto t = time_candidate(k, with_packs(seed), beam.empty() ? 1e30 : beam.front().seconds)) beam.push_back({seed, *t});
    std::sort(beam.begin(), beam.end(), [](const Entry& a, const Entry& b) { return a.seconds < b.seconds; });
  }
  if (beam.empty()) return with_packs(heuristic);
  if (beam.size() > static_cast<std::size_t>(width)) beam.resize(static_cast<std::size_t>(width));
  for (int round = 0; round < 4; ++round) {
    std::vector<Entry> next = beam;
    for (const Entry& e : beam) {
      LoweredKernel scratch = k;
      OptKernel ok(scratch);
      for (auto& o : e.opts)
        if (o.op != OptOp::Pack) ok.apply(o);
      for (const Opt& o : next_actions(ok)) {
        if (std::find(e.opts.begin(), e.opts.end(), o) != e.opts.end()) continue;
        std::vector<Opt> opts = e.opts;
        opts.push_back(o);
        auto it = std::find_if(next.begin(), next.end(), [&](const Entry& x) { return x.opts == opts; });
        if (it != next.end()) continue;
        if (auto t = time_candidate(k, with_packs(opts), next.front().seconds)) next.push_back({opts, *t});
      }
    }
    std::sort(next.begin(), next.end(), [](const Entry& a, const Entry& b) { return a.seconds < b.seconds; });
    if (next.size() > static_cast<std::size_t>(width)) next.resize(static_cast<std::size_t>(width));
    const bool progress = next.front().seconds < beam.front().seconds * 0.99;
    beam = std::move(next);
    if (!progress) break;
  }
  // timings on a shared machine are noisy: the finalists and the heuristic's list are timed again as whole calls,
  // twice in turn, each with the heuristic's PACKs and without them (whether packing pays depends on the machine's
  // caches and pages), and the heuristic wins ties within 3%, so the search does not replace it on one lucky run
  std::vector<Entry> finalists = beam;
  if (std::find_if(finalists.begin(), finalists.end(), [&](const Entry& e) { return e.opts == heuristic; }) == finalists.end())
    finalists.push_back({heuristic, 1e30});
  if (!packs.empty())
    for (std::size_t i = 0, n = finalists.size(); i < n; ++i) finalists.push_back({finalists[i].opts, 1e30, false});
  auto as_run = [&](const Entry& e) { return e.packed ? with_packs(e.opts) : e.opts; };
  auto packs_in = [](const std::vector<Opt>& opts) { return std::ranges::any_of(opts, [](const Opt& o) { return o.op == OptOp::Pack; }); };
  for (auto& e : finalists) e.seconds = 1e30;
  for (int again = 0; again < 2; ++again)
    for (auto& e : finalists)
      if (auto t = time_candidate(k, as_run(e), 1e30, packs_in(as_run(e))))
        e.seconds = std::min(e.seconds, *t * (e.opts == heuristic && e.packed ? 0.97 : 1.0));
  std::sort(finalists.begin(), finalists.end(), [](const Entry& a, const Entry& b) { return a.seconds < b.seconds; });
  beam = std::move(finalists);
  const std::vector<Opt> winner = as_run(beam.front());
  if (debug_level() >= 2) std::fprintf(stderr, "BEAM=%d: %s, %.3f ms\n", width, to_string(winner).c_str(), beam.front().seconds * 1e3);
  if (!file.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    auto tmp = file;
    tmp += ".tmp" + std::to_string(::getpid());
    {
      std::ofstream out(tmp);
      out << magic << "\n" << dev.compiler_id() << "\n" << to_string(winner) << "\n";
    }
    std::filesystem::rename(tmp, file, ec);
  }
  return winner;
}

}  // namespace ctgrad::rt::opt
