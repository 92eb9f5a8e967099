#pragma once
// The "LLVM" device: kernel programs rendered as LLVM IR, optimized at O3 for the host CPU (so loops vectorize),
// compiled to an in-memory object file (what the core caches on disk) and linked into an ORC LLJIT.
// LLVM's headers stay out of this header: users of the device need no LLVM include path.
#include <memory>
#include <string>
#include <vector>

#include "ctgrad/runtime/cpu.hpp"

namespace ctgrad::rt {

struct LlvmJit;  // the host TargetMachine and the LLJIT, shared with every kernel loaded into it

class LlvmDevice : public CpuDeviceBase {
 public:
  LlvmDevice();  // throws DeviceError when LLVM cannot target the host
  std::string name() const override { return "LLVM"; }
  std::string compiler_id() const override;  // LLVM version, triple, CPU and a hash of its features
  std::string render(const KernelProgram& program) const override;
  std::vector<std::uint8_t> compile(const std::string& source, const KernelProgram& program) override;
  std::unique_ptr<CompiledKernel> load(const std::vector<std::uint8_t>& binary, const KernelProgram& program) override;

  // The module after the O3 pipeline, as text: what the optimizer made of a kernel (e.g. whether it vectorized).
  std::string optimized_ir(const std::string& source, const KernelProgram& program);

 private:
  std::shared_ptr<LlvmJit> jit_;
};

bool register_llvm_device();

}  // namespace ctgrad::rt
