#include "ptx_renderer.hpp"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <map>
#include <optional>
#include <tuple>

#include "ctgrad/runtime/errors.hpp"
#include "ptx_alu.hpp"
#include "ptx_block_reduce.hpp"
#include "ptx_memory.hpp"
#include "ptx_reduce_plan.hpp"

namespace ctgrad::rt::ptx {

namespace {

constexpr const char* kLaunchPrefix = "// ctgrad launch: ";

const char* zero_of(DType d) { return reg_of(d) == Reg::F32 ? "0f00000000" : reg_of(d) == Reg::F64 ? "0d0000000000000000" : "0"; }

class KernelRenderer {
 public:
  KernelRenderer(const KernelProgram& p, std::optional<BlockReducePlan> plan, unsigned per_thread)
      : p_(p), plan_(std::move(plan)), per_thread_(per_thread) {}

  std::string render() {
    exit_ = w_.new_label("exit");
    tid_ = w_.reg(Reg::B32);
    ctaid_ = w_.reg(Reg::B32);
    w_.ins("mov.u32", {tid_, "%tid.x"});
    w_.ins("mov.u32", {ctaid_, "%ctaid.x"});
    if (plan_) {
      g_ = {w_.reg(index_reg())};
      w_.ins(wide_index() ? "cvt.u64.u32" : "mov.u32", {g_[0], ctaid_});
      block_ = emit_block_setup(w_, tid_, block_threads());
      emit_body();
    } else if (per_thread_ == 1) {
      one_per_thread();
    } else {
      several_per_thread();
    }
    w_.place(exit_);
    w_.ins("ret", {});
    return text();
  }

 private:
  const KInst& inst(int i) const { return p_.insts[static_cast<std::size_t>(i)]; }
  const std::string& value(int i) const { return val_[copy_][static_cast<std::size_t>(i)]; }
  unsigned block_threads() const {
    if (plan_) return static_cast<unsigned>(plan_->threads);
    return p_.local_size > 0 ? static_cast<unsigned>(p_.local_size) : kThreadsPerBlock;  // a block per local tile
  }
  Reg index_reg() const { return reg_of(p_.index_dtype); }
  bool wide_index() const { return index_reg() == Reg::B64; }
  const char* index_type() const { return wide_index() ? ".u64" : ".u32"; }
  static const char* counter_type(DType d) { return reg_of(d) == Reg::B64 ? ".u64" : ".u32"; }
  static std::string trip(const KInst& range) { return std::to_string(std::max<std::int64_t>(range.iarg, 0)); }
  std::string global_size() const { return std::to_string(p_.global_size); }

  // ntid.x as an index-typed register.
  std::string block_width() {
    std::string ntid = w_.reg(Reg::B32);
    w_.ins("mov.u32", {ntid, "%ntid.x"});
    if (!wide_index()) return ntid;
    std::string wide = w_.reg(Reg::B64);
    w_.ins("cvt.u64.u32", {wide, ntid});
    return wide;
  }

  // first + ctaid.x * span + tid.x, for a span (outputs per block) in a 32-bit register.
  std::string thread_start(const std::string& span) {
    std::string g = w_.reg(index_reg());
    if (wide_index()) {
      std::string t = w_.reg(Reg::B64);
      w_.ins("mul.wide.u32", {g, ctaid_, span});
      w_.ins("cvt.u64.u32", {t, tid_});
      w_.ins("add.s64", {g, g, t});
    } else {  // below 2^32 even in the last block, so unsigned compares against global_size are exact
      w_.ins("mad.lo.u32", {g, ctaid_, span, tid_});
    }
    return g;
  }

  void one_per_thread() {
    std::string ntid = w_.reg(Reg::B32), past_end = w_.reg(Reg::Pred);
    w_.ins("mov.u32", {ntid, "%ntid.x"});
    g_ = {thread_start(ntid)};
    w_.ins(std::string("setp.ge") + index_type(), {past_end, g_[0], global_size()});
    w_.ins("bra", {exit_}, past_end);
    emit_body();
  }

  // Outputs g, g + ntid, ... (per_thread_ of them); full blocks run the copies interleaved, the last block one by one.
  void several_per_thread() {
    std::string ntid = w_.reg(Reg::B32), span = w_.reg(Reg::B32), full = w_.reg(Reg::Pred);
    w_.ins("mov.u32", {ntid, "%ntid.x"});
    w_.ins("shl.b32", {span, ntid, std::to_string(std::countr_zero(per_thread_))});
    std::string step = wide_index() ? block_width() : ntid;
    g_ = {thread_start(span)};
    for (unsigned k = 1; k < per_thread_; ++k) {
      g_.push_back(w_.reg(index_reg()));
      w_.ins(std::string("add") + index_type(), {g_[k], g_[k - 1], step});
    }
    const std::string tail = w_.new_label("tail"), tail_loop = w_.new_label("tail_loop");
    w_.ins(std::string("setp.lt") + index_type(), {full, g_.back(), global_size()});
    w_.ins("bra", {tail}, "!" + full);
    emit_body();
    w_.ins("bra.uni", {exit_});

    w_.place(tail);
    std::string g = w_.reg(index_reg()), k = w_.reg(Reg::B32), done = w_.reg(Reg::Pred), more = w_.reg(Reg::Pred);
    w_.ins(std::string("mov") + (wide_index() ? ".b64" : ".b32"), {g, g_[0]});
    w_.ins("mov.u32", {k, "0"});
    w_.place(tail_loop);
    w_.ins(std::string("setp.ge") + index_type(), {done, g, global_size()});
    w_.ins("bra", {exit_}, done);
    g_ = {g};
    emit_body();
    w_.ins(std::string("add") + index_type(), {g, g, step});
    w_.ins("add.u32", {k, k, "1"});
    w_.ins("setp.lt.u32", {more, k, std::to_string(per_thread_)});
    w_.ins("bra", {tail_loop}, more);
  }

  // Every instruction once per copy (one copy per g_ entry), interleaved; Params and loops are shared by the copies.
  void emit_body() {
    val_.assign(g_.size(), std::vector<std::string>(p_.insts.size()));
    address_of_.clear();  // a second body (the last block's) runs on other registers
    for (std::size_t i = 0; i < p_.insts.size(); ++i) {
      const KOp op = p_.insts[i].op;
      const bool once = op == KOp::Param || op == KOp::Shared || op == KOp::Range || op == KOp::EndRange || op == KOp::Barrier;
      for (copy_ = 0; copy_ < (once ? 1 : g_.size()); ++copy_) emit(static_cast<int>(i));
      for (std::size_t k = 1; once && k < g_.size(); ++k) val_[k][i] = val_[0][i];
    }
    copy_ = 0;
  }

  void emit(int i) {
    const KInst& in = inst(i);
    if (in.lanes != 1)  // the GPU optimizer never vectorizes (optimize.hpp); a vector here is a bug, not slow code
      throw CompileError(std::string("ptx renderer: ") + name(in.op) + " with " + std::to_string(in.lanes) + " lanes in " + p_.name);
    auto src = [&](int k) { return value(in.src[static_cast<std::size_t>(k)]); };
    auto src_dtype = [&](int k) { return inst(in.src[static_cast<std::size_t>(k)]).dtype; };
    std::string& out = val_[copy_][static_cast<std::size_t>(i)];
    switch (in.op) {
      case KOp::Param: {
        std::string raw = w_.reg(Reg::B64);
        out = w_.reg(Reg::B64);
        w_.ins("ld.param.u64", {raw, "[" + param_name(in.iarg) + "]"});
        w_.ins("cvta.to.global.u64", {out, raw});
        break;
      }
      case KOp::GlobalIdx:
        out = emit_cast(w_, p_.index_dtype, in.dtype, g_[copy_]);
        break;
      case KOp::Range:
        open_range(i);
        break;
      case KOp::EndRange:
        close_range(in.src[0]);
        break;
      case KOp::DefAcc:
        out = w_.reg(reg_of(in.dtype));
        w_.ins(std::string("mov") + move_type(in.dtype), {out, src(0)});
        break;
      case KOp::AccStore:
        w_.ins(std::string("mov") + move_type(in.dtype), {src(0), src(1)});
        break;
      case KOp::Const:
        out = emit_const(w_, in.dtype, in.iarg, in.farg);
        break;
      case KOp::Load: {
        const DType elem = memory_dtype(in, in.dtype);
        out = emit_load(w_, elem, address(in, elem), in.src[2] >= 0 ? src(2) : std::string(), shared(in));
        break;
      }
      case KOp::Store: {
        const DType elem = memory_dtype(in, src_dtype(2));
        emit_store(w_, elem, address(in, elem), src(2), shared(in));
        break;
      }
      case KOp::Shared:  // declared in text(); the value is its address in the shared window
        out = w_.reg(Reg::B64);
        w_.ins("mov.u64", {out, shared_name(i)});
        if (std::ranges::find(shared_, i) == shared_.end()) shared_.push_back(i);
        break;
      case KOp::Barrier:
        w_.ins("bar.sync", {"0"});
        break;
      case KOp::Where:
        out = emit_where(w_, in.dtype, src(0), src(1), src(2));
        break;
      case KOp::Cast:
        out = emit_cast(w_, src_dtype(0), in.dtype, src(0));
        break;
      case KOp::MulAcc: {  // the optimizer's FMA (float32 and float64 only)
        if (in.dtype != DType::Float32 && in.dtype != DType::Float64)
          throw CompileError(std::string("ptx renderer: MulAcc of ") + name(in.dtype) + " in " + p_.name);
        out = w_.reg(reg_of(in.dtype));
        w_.ins(std::string("fma.rn") + (in.dtype == DType::Float32 ? ".f32" : ".f64"), {out, src(0), src(1), src(2)});
        break;
      }
      default:
        if (is_unary(in.op))
          out = emit_unary(w_, in.op, in.dtype, src(0));
        else if (is_binary(in.op))
          out = emit_binary(w_, in.op, src_dtype(0), src(0), src(1));
        else
          throw CompileError(std::string("ptx renderer: unknown op ") + name(in.op) + " in " + p_.name);
    }
  }

  // The address operand of a Load or Store. An index Add(x, Const c) (the optimizer writes a tile's indices so:
  // split_offset) becomes x's address plus the immediate c * itemsize, and x's address is computed once per buffer
  // and copy, so the loads of a register tile share one address register.
  std::string address(const KInst& access, DType elem) {
    int index = access.src[1];
    std::int64_t offset = 0;
    if (const KInst& sum = inst(index); sum.op == KOp::Add)
      for (int k = 0; k < 2; ++k)
        if (const KInst& c = inst(sum.src[static_cast<std::size_t>(1 - k)]); c.op == KOp::Const && c.iarg > 0 && c.iarg < (std::int64_t{1} << 24)) {
          index = sum.src[static_cast<std::size_t>(k)];
          offset = c.iarg * static_cast<std::int64_t>(itemsize(elem));
          break;
        }
    const auto key = std::make_tuple(copy_, access.src[0], index);
    auto it = address_of_.find(key);
    if (it == address_of_.end()) it = address_of_.emplace(key, emit_address(w_, value(access.src[0]), value(index), inst(index).dtype, elem)).first;
    return offset == 0 ? it->second : it->second + "+" + std::to_string(offset);
  }

  bool shared(const KInst& memory_access) const { return inst(memory_access.src[0]).op == KOp::Shared; }
  std::string shared_name(int i) const { return kernel_symbol(p_) + "_shared_" + std::to_string(i); }

  // The buffer's element type, which a Load's result or a Store's value must have.
  DType memory_dtype(const KInst& in, DType value_dtype) const {
    const DType elem = inst(in.src[0]).dtype;
    if (elem != value_dtype)
      throw CompileError(std::string("ptx renderer: ") + name(in.op) + " of " + name(value_dtype) + " through a " + name(elem) + " buffer in " +
                         p_.name);
    return elem;
  }

  const BlockReducePlan::Loop* strided_loop(int range) const {
    if (!plan_) return nullptr;
    for (const auto& l : plan_->loops)
      if (l.range == range) return &l;
    return nullptr;
  }

  void open_range(int i) {
    const KInst& in = inst(i);
    const std::string& counter = val_[copy_][static_cast<std::size_t>(i)] = w_.reg(reg_of(in.dtype));
    loop_label_[i] = w_.new_label("loop");
    end_label_[i] = w_.new_label("end");
    if (const BlockReducePlan::Loop* strided = strided_loop(i)) {
      // Thread t takes steps t, t + block, ...; only thread 0 keeps the Add accumulators' start value.
      w_.ins(reg_of(in.dtype) == Reg::B64 ? "cvt.u64.u32" : "mov.u32", {counter, tid_});
      for (const auto& acc : strided->accs) {
        const DType d = inst(acc.def).dtype;
        if (acc.op == KOp::Add) w_.ins(std::string("mov") + move_type(d), {value(acc.def), zero_of(d)}, block_.not_first);
      }
    } else {
      w_.ins(std::string("mov") + (reg_of(in.dtype) == Reg::B64 ? ".b64" : ".b32"), {counter, "0"});
    }
    std::string done = w_.reg(Reg::Pred);
    w_.ins(std::string("setp.ge") + counter_type(in.dtype), {done, counter, trip(in)});
    w_.ins("bra", {end_label_[i]}, done);
    w_.place(loop_label_[i]);
  }

  void close_range(int range) {
    const KInst& in = inst(range);
    const std::string& counter = value(range);
    const BlockReducePlan::Loop* strided = strided_loop(range);
    std::string more = w_.reg(Reg::Pred);
    w_.ins(std::string("add") + counter_type(in.dtype), {counter, counter, std::to_string(strided ? block_threads() : 1u)});
    w_.ins(std::string("setp.lt") + counter_type(in.dtype), {more, counter, trip(in)});
    w_.ins("bra", {loop_label_[range]}, more);
    w_.place(end_label_[range]);
    if (!strided) return;
    std::vector<CombinedAcc> accs;
    for (const auto& acc : strided->accs) accs.push_back({value(acc.def), inst(acc.def).dtype, acc.op, acc.slot});
    emit_block_combine(w_, block_, block_threads(), accs);
    if (&plan_->loops.back() == strided) w_.ins("bra", {exit_}, block_.not_first);  // thread 0 stores the results
  }

  std::string param_name(std::int64_t k) const { return kernel_symbol(p_) + "_param_" + std::to_string(k); }

  std::string text() const {
    const unsigned threads = block_threads();
    std::string out = std::string(kLaunchPrefix) + "block=" + std::to_string(threads) + " grid=" + (plan_ ? "outputs" : "cover") +
                      " per_thread=" + std::to_string(per_thread_) + "\n";
    out += "// " + p_.name + ": global_size " + global_size() + "\n";
    out += std::string(".version ") + kPtxVersion + "\n.target " + kPtxTarget + "\n.address_size 64\n\n";
    out += ".visible .entry " + kernel_symbol(p_) + "(";
    for (std::size_t k = 0; k < p_.params.size(); ++k)
      out += std::string(k ? ",\n" : "\n") + "\t.param .u64 " + param_name(static_cast<std::int64_t>(k));
    out += "\n)\n.reqntid " + std::to_string(threads) + "\n{\n";
    out += w_.declarations();
    if (plan_ && plan_->slots > 0) out += block_shared_declaration(threads, plan_->slots);
    for (int i : shared_) {
      const std::int64_t bytes = inst(i).iarg * static_cast<std::int64_t>(itemsize(inst(i).dtype));
      out += "\t.shared .align 16 .b8 " + shared_name(i) + "[" + std::to_string(bytes) + "];\n";
    }
    out += w_.body();
    out += "}\n";
    return out;
  }

  const KernelProgram& p_;
  std::optional<BlockReducePlan> plan_;
  unsigned per_thread_;
  PtxWriter w_;
  std::vector<std::vector<std::string>> val_;  // [copy][instruction] -> register
  std::size_t copy_ = 0;
  std::vector<std::string> g_;  // the output index of each copy
  std::map<int, std::string> loop_label_, end_label_;
  std::string tid_, ctaid_, exit_;
  std::vector<int> shared_;  // the Shared instructions, declared once each
  std::map<std::tuple<std::size_t, int, int>, std::string> address_of_;  // (copy, buffer, index) -> address register
  BlockRegs block_;
};

unsigned outputs_per_thread(const KernelProgram& p, const RenderOptions& options) {
  const bool loop_free = std::ranges::none_of(p.insts, [](const KInst& i) { return i.op == KOp::Range; });
  return options.several_per_thread && loop_free && p.local_size == 0 && p.global_size >= kSeveralPerThreadFrom ? kOutputsPerThread : 1;
}

}  // namespace

std::string kernel_symbol(const KernelProgram& p) { return p.name.empty() ? "ctgrad_kernel" : p.name; }

std::string render(const KernelProgram& p, const RenderOptions& options) {
  if (p.global_size < 1) throw CompileError("ptx renderer: " + p.name + " has global_size " + std::to_string(p.global_size));
  if (p.local_size < 0 || p.local_size > 1024) throw CompileError("ptx renderer: " + p.name + " asks for blocks of " + std::to_string(p.local_size));
  const bool block_shared = std::ranges::any_of(p.insts, [](const KInst& i) { return i.op == KOp::Shared || i.op == KOp::Barrier; });
  if (block_shared && p.local_size == 0) throw CompileError("ptx renderer: " + p.name + " shares memory between threads without a block size");
  // a program with local tiles keeps them: one thread per g, blocks of local_size
  auto plan = options.block_reduce && p.local_size == 0 ? plan_block_reduce(p) : std::nullopt;
  return KernelRenderer(p, std::move(plan), plan ? 1 : outputs_per_thread(p, options)).render();
}

LaunchShape launch_shape(std::string_view ptx) {
  auto fail = [&] { return CompileError("ptx: no valid '" + std::string(kLaunchPrefix) + "' line in:\n" + std::string(ptx.substr(0, 200))); };
  if (!ptx.starts_with(kLaunchPrefix)) throw fail();
  const std::string line(ptx.substr(0, ptx.find('\n')));
  auto number_after = [&](const char* key) -> unsigned long {
    auto at = line.find(key);
    return at == std::string::npos ? 0 : std::strtoul(line.c_str() + at + std::string_view(key).size(), nullptr, 10);
  };
  auto grid = line.find(" grid=");
  if (grid == std::string::npos) throw fail();
  LaunchShape shape;
  shape.block_threads = static_cast<unsigned>(number_after(" block="));
  shape.outputs_per_thread = static_cast<unsigned>(number_after(" per_thread="));
  shape.block_per_output = line.compare(grid + 6, 7, "outputs") == 0;
  const bool cover = line.compare(grid + 6, 5, "cover") == 0;
  if (shape.block_threads == 0 || shape.block_threads > 1024 || shape.outputs_per_thread == 0 || (!cover && !shape.block_per_output)) throw fail();
  return shape;
}

}  // namespace ctgrad::rt::ptx
