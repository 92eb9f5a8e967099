#pragma once
// Hand-built kernel programs covering every KOp and dtype of the PTX backend, with the inputs each needs and the
// tolerance its output is held to. The GPU test runs them against interpret(); the ptxas test assembles them.
#include <map>
#include <string>
#include <vector>

#include "ctgrad/runtime/kernel_program.hpp"

namespace ptx_test {

using ctgrad::rt::DType;
using ctgrad::rt::KernelProgram;
using ctgrad::rt::KOp;

// Appends instructions and parameters; each call returns the new instruction's index.
class ProgramBuilder {
 public:
  ProgramBuilder(std::string name, std::int64_t global_size, DType index_dtype = DType::Int32);
  int param(DType d, std::int64_t size);  // the first one is the output
  int gidx();
  int constant(DType d, double v);
  int alu(KOp op, int a, int b = -1, int c = -1);  // result dtype: Bool for comparisons, else a's (Where: b's)
  int cast(DType to, int a);
  int load(int param, int index, int gate = -1);
  void store(int param, int index, int value);
  int range(std::int64_t trip);
  void end(int range);
  int acc(DType d, double init);
  void acc_store(int acc, int value);
  DType dtype(int i) const { return p_.insts[static_cast<std::size_t>(i)].dtype; }
  KernelProgram build() const { return p_; }

 private:
  int push(KOp op, DType d, int a = -1, int b = -1, int c = -1, std::int64_t iarg = 0, double farg = 0);
  KernelProgram p_;
};

// How random inputs for one parameter are drawn: uniform in [lo, hi] (whole numbers for integer dtypes), zero
// replaced by one when `nonzero`; `specials` overwrite the first elements.
struct InputSpec {
  InputSpec(double lo_ = -10, double hi_ = 10, std::vector<double> specials_ = {}) : lo(lo_), hi(hi_), specials(std::move(specials_)) {}
  double lo, hi;
  std::vector<double> specials;
  bool nonzero = false;
};
InputSpec default_input(DType d);

struct KernelCase {
  std::string name;
  KernelProgram program;
  std::map<int, InputSpec> inputs;  // by parameter index; others get default_input
  double abs_tol = 0, rel_tol = 0;  // a float output passes when |got - want| <= abs_tol + rel_tol * |want|
  bool block_reduce = false;        // the renderer should give each output a block
  unsigned per_thread = 1;          // outputs per thread the renderer should pick
};

std::vector<KernelCase> kernel_cases();

}  // namespace ptx_test
