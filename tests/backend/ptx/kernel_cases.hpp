#pragma once
// Hand-built kernel programs covering every KOp and dtype of the PTX backend, with the inputs each needs and the
// tolerance its output is held to. The GPU test runs them against interpret(); the ptxas test assembles them.
#include <map>
#include <string>
#include <vector>

#include "../../support/kernel_check.hpp"
#include "ctgrad/runtime/kernel_program.hpp"

namespace ptx_test {

using ctgrad::rt::DType;
using ctgrad::rt::KernelProgram;
using ctgrad::rt::KOp;

// The shared builder, with the first parameter as the output.
struct ProgramBuilder : ctgrad_test::ProgramBuilder {
  using ctgrad_test::ProgramBuilder::ProgramBuilder;
  int param(DType d, std::int64_t size) { return ctgrad_test::ProgramBuilder::param(d, size, program.params.empty()); }
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
