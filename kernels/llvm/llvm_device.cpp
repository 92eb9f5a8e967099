#include "llvm_device.hpp"

#include <llvm/AsmParser/Parser.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include <cstdio>
#include <mutex>

#include "llvm_renderer.hpp"

namespace ctgrad::rt {

struct LlvmJit {
  std::mutex mutex;  // the TargetMachine and the JIT's dylib table are used by one thread at a time
  std::unique_ptr<llvm::TargetMachine> target;
  std::unique_ptr<llvm::orc::LLJIT> jit;
  std::string compiler_id;
  std::uint64_t dylibs_made = 0;
};

namespace {

template <class Err, class T>
T take(llvm::Expected<T> value, const std::string& what) {
  if (!value) throw Err(what + ": " + llvm::toString(value.takeError()));
  return std::move(*value);
}

std::string hex64(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// The new pass manager at O3, built with the host TargetMachine so cost models see the real vector units.
void optimize(llvm::Module& module, llvm::TargetMachine& target) {
  llvm::LoopAnalysisManager lam;  // declared in this order so they are destroyed in reverse
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = true;
  tuning.SLPVectorization = true;
  llvm::PassBuilder builder(&target, tuning);
  builder.registerModuleAnalyses(mam);
  builder.registerCGSCCAnalyses(cgam);
  builder.registerFunctionAnalyses(fam);
  builder.registerLoopAnalyses(lam);
  builder.crossRegisterProxies(lam, fam, cgam, mam);
  builder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3).run(module, mam);
}

// Parses and verifies the IR, then optimizes it; every failure is a CompileError with LLVM's words and the IR.
std::unique_ptr<llvm::Module> build_module(LlvmJit& jit, llvm::LLVMContext& context, const std::string& source,
                                           const KernelProgram& p) {
  llvm::SMDiagnostic diagnostic;
  auto module = llvm::parseAssemblyString(source, diagnostic, context);
  if (!module) {
    std::string message;
    llvm::raw_string_ostream os(message);
    diagnostic.print(p.name.c_str(), os);
    throw CompileError("LLVM: cannot parse kernel " + p.name + ": " + message + "\n" + source);
  }
  std::string problems;
  llvm::raw_string_ostream os(problems);
  if (llvm::verifyModule(*module, &os)) throw CompileError("LLVM: invalid IR in kernel " + p.name + ": " + problems + "\n" + source);
  module->setDataLayout(jit.target->createDataLayout());
  module->setTargetTriple(jit.target->getTargetTriple().str());
  optimize(*module, *jit.target);
  return module;
}

class LlvmKernel : public CompiledKernel {
 public:
  LlvmKernel(std::shared_ptr<LlvmJit> jit, llvm::orc::JITDylib& dylib, CpuKernelFn fn) : jit_(std::move(jit)), dylib_(dylib), fn_(fn) {}
  ~LlvmKernel() override {  // frees the kernel's code; nothing else links against its dylib
    std::lock_guard lock(jit_->mutex);
    llvm::consumeError(jit_->jit->getExecutionSession().removeJITDylib(dylib_));
  }
  void run(std::span<DeviceBuffer* const> bufs, const KernelProgram& program) override { launch_cpu_kernel(fn_, bufs, program); }

 private:
  std::shared_ptr<LlvmJit> jit_;
  llvm::orc::JITDylib& dylib_;
  CpuKernelFn fn_;
};

}  // namespace

LlvmDevice::LlvmDevice() : jit_(std::make_shared<LlvmJit>()) {
  static std::once_flag initialized;
  std::call_once(initialized, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::InitializeNativeTargetAsmParser();
  });
  auto host = take<DeviceError>(llvm::orc::JITTargetMachineBuilder::detectHost(), "LLVM: cannot target the host");
  host.setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  jit_->target = take<DeviceError>(host.createTargetMachine(), "LLVM: cannot create the host TargetMachine");
  jit_->jit = take<DeviceError>(llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(host).create(), "LLVM: cannot create the JIT");
  std::uint64_t features = 0xcbf29ce484222325ull;  // FNV-1a: stable across runs, unlike std::hash
  for (char c : host.getFeatures().getString()) features = (features ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  jit_->compiler_id = "LLVM " LLVM_VERSION_STRING " " + host.getTargetTriple().str() + " cpu=" + host.getCPU() +
                      " features=" + hex64(features);
}

std::string LlvmDevice::compiler_id() const { return jit_->compiler_id; }

std::string LlvmDevice::render(const KernelProgram& program) const { return render_llvm_ir(program); }

std::vector<std::uint8_t> LlvmDevice::compile(const std::string& source, const KernelProgram& program) {
  llvm::LLVMContext context;
  std::lock_guard lock(jit_->mutex);
  auto module = build_module(*jit_, context, source, program);
  llvm::SmallVector<char, 0> object;
  llvm::raw_svector_ostream os(object);
  llvm::legacy::PassManager codegen;
  if (jit_->target->addPassesToEmitFile(codegen, os, nullptr, llvm::CodeGenFileType::ObjectFile))
    throw CompileError("LLVM: the host target cannot emit object files (kernel " + program.name + ")");
  codegen.run(*module);
  return {object.begin(), object.end()};
}

std::string LlvmDevice::optimized_ir(const std::string& source, const KernelProgram& program) {
  llvm::LLVMContext context;
  std::lock_guard lock(jit_->mutex);
  auto module = build_module(*jit_, context, source, program);
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os, nullptr);
  return text;
}

std::unique_ptr<CompiledKernel> LlvmDevice::load(const std::vector<std::uint8_t>& binary, const KernelProgram& program) {
  std::lock_guard lock(jit_->mutex);
  auto& session = jit_->jit->getExecutionSession();
  // one dylib per kernel: names never clash, and dropping the kernel frees its code
  auto made = jit_->jit->createJITDylib("ctgrad." + std::to_string(jit_->dylibs_made++) + "." + program.name);
  if (!made) throw CompileError("LLVM: cannot create a JITDylib for kernel " + program.name + ": " + llvm::toString(made.takeError()));
  llvm::orc::JITDylib& dylib = *made;
  auto fail = [&](llvm::Error error) {
    const std::string message = llvm::toString(std::move(error));
    llvm::consumeError(session.removeJITDylib(dylib));
    return CompileError("LLVM: cannot load kernel " + program.name + ": " + message);
  };
  llvm::StringRef bytes(reinterpret_cast<const char*>(binary.data()), binary.size());
  if (auto error = jit_->jit->addObjectFile(dylib, llvm::MemoryBuffer::getMemBufferCopy(bytes, program.name))) throw fail(std::move(error));
  auto symbol = jit_->jit->lookup(dylib, program.name);  // links the object: unresolved symbols fail here
  if (!symbol) throw fail(symbol.takeError());
  return std::make_unique<LlvmKernel>(jit_, dylib, symbol->toPtr<CpuKernelFn>());
}

bool register_llvm_device() {
  return register_device("LLVM", [] { return std::make_unique<LlvmDevice>(); });
}

}  // namespace ctgrad::rt
