#pragma once
// The portable C device ("C"): kernels rendered as C (c_renderer.hpp), compiled by the system C compiler ($CC, else
// `cc`) into a shared object and loaded with dlopen. Header-only, so a program built with nothing but -I src has
// a device. The compiler runs through posix_spawnp, never a shell, so paths with spaces are safe.
#include <dlfcn.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "ctgrad/runtime/c/c_renderer.hpp"
#include "ctgrad/runtime/cpu.hpp"

extern char** environ;

namespace ctgrad::rt {
namespace c_detail {

// -march=native makes binaries machine-specific (compiler_id names the CPU); -ffp-contract=off keeps a*b+c two
// roundings like every other backend; -fno-math-errno lets sqrt be one instruction (kernels never read errno).
inline const std::vector<std::string> compile_flags = {"-O2", "-march=native", "-ftree-vectorize", "-fPIC", "-shared",
                                                       "-ffp-contract=off", "-fno-math-errno"};

// $CC split on spaces (so CC="ccache gcc" works, as with make), else `cc`.
inline std::vector<std::string> compiler_command() {
  std::vector<std::string> words;
  const char* cc = std::getenv("CC");
  std::istringstream in(cc != nullptr ? cc : "");
  for (std::string w; in >> w;) words.push_back(w);
  if (words.empty()) words.push_back("cc");
  return words;
}

// A private directory under $TMPDIR (or /tmp), removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ctgrad-c-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw DeviceError("C device: cannot create a temporary directory: " + std::string(std::strerror(errno)));
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::filesystem::path operator/(const char* name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_file(const std::filesystem::path& path, const void* data, std::size_t bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
  if (!out.flush()) throw DeviceError("C device: cannot write " + path.string());
}

struct ProcessResult {
  int exit_code;       // -1 when killed by a signal
  std::string output;  // stdout and stderr together
};

// Runs argv (argv[0] searched in PATH) with its output captured in `log`; waits for it.
inline ProcessResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& log) {
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  const int err = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err == ENOENT)
    throw DeviceError("C device: the C compiler '" + argv[0] + "' was not found. The C device needs a C compiler: install gcc or "
                      "clang, or set CC to one (e.g. CC=clang or CC=/usr/bin/gcc-12)");
  if (err != 0) throw DeviceError("C device: cannot run '" + argv[0] + "': " + std::strerror(err));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw DeviceError("C device: waiting for '" + argv[0] + "' failed: " + std::strerror(errno));
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_text(log)};
}

// The CPU -march=native compiles for: architecture, model name and a hash of the feature flags.
inline std::string cpu_description() {
  utsname u{};
  std::string arch = uname(&u) == 0 ? u.machine : "unknown arch", model, flags;
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line) && (model.empty() || flags.empty());) {
    auto value = [&] { auto colon = line.find(':'); return colon == std::string::npos ? std::string() : line.substr(colon + 1); };
    if (model.empty() && line.starts_with("model name")) model = value();
    if (flags.empty() && (line.starts_with("flags") || line.starts_with("Features"))) flags = value();
  }
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char ch : flags) h = (h ^ static_cast<unsigned char>(ch)) * 0x100000001b3ull;
  std::ostringstream out;
  out << arch << model << " features:" << std::hex << h;
  return out.str();
}

// A loaded kernel: owns the dlopen handle until it is destroyed.
class CKernel : public CompiledKernel {
 public:
  CKernel(void* handle, CpuKernelFn fn) : handle_(handle), fn_(fn) {}
  ~CKernel() override { dlclose(handle_); }
  CKernel(const CKernel&) = delete;
  CKernel& operator=(const CKernel&) = delete;
  void run(std::span<DeviceBuffer* const> bufs, const KernelProgram& program) override { launch_cpu_kernel(fn_, bufs, program); }

 private:
  void* handle_;
  CpuKernelFn fn_;
};

}  // namespace c_detail

class CDevice : public CpuDeviceBase {
 public:
  std::string name() const override { return "C"; }

  std::string compiler_id() const override {
    const auto cc = c_detail::compiler_command();
    std::lock_guard lock(mutex_);
    if (cc != id_compiler_) {  // CC may change while the program runs
      c_detail::TempDir dir;
      auto version = c_detail::run_process({cc[0], "--version"}, dir / "version.txt").output;
      std::string id = version.substr(0, version.find('\n')) + " |";
      for (auto& word : cc) id += " " + word;
      for (auto& flag : c_detail::compile_flags) id += " " + flag;
      id_ = id + " | " + c_detail::cpu_description();
      id_compiler_ = cc;
    }
    return id_;
  }

  std::string render(const KernelProgram& program) const override { return render_c(program); }

  std::vector<std::uint8_t> compile(const std::string& source, const KernelProgram& program) override {
    c_detail::TempDir dir;
    const auto c_file = dir / "kernel.c", so_file = dir / "kernel.so";
    c_detail::write_file(c_file, source.data(), source.size());
    auto argv = c_detail::compiler_command();
    argv.insert(argv.end(), c_detail::compile_flags.begin(), c_detail::compile_flags.end());
    argv.insert(argv.end(), {"-o", so_file.string(), c_file.string(), "-lm"});
    auto result = c_detail::run_process(argv, dir / "compiler.log");
    if (result.exit_code != 0)
      throw CompileError("C device: '" + argv[0] + "' failed on kernel " + program.name + " (exit " + std::to_string(result.exit_code) +
                         "):\n" + result.output + "\n--- source ---\n" + source);
    auto bytes = c_detail::read_text(so_file);
    if (bytes.empty()) throw CompileError("C device: '" + argv[0] + "' wrote no shared object for kernel " + program.name);
    return {bytes.begin(), bytes.end()};
  }

  std::unique_ptr<CompiledKernel> load(const std::vector<std::uint8_t>& binary, const KernelProgram& program) override {
    c_detail::TempDir dir;
    const auto so_file = dir / "kernel.so";
    c_detail::write_file(so_file, binary.data(), binary.size());
    void* handle = dlopen(so_file.c_str(), RTLD_NOW | RTLD_LOCAL);  // the mapping outlives the file, removed with `dir`
    if (handle == nullptr) throw DeviceError("C device: cannot load kernel " + program.name + ": " + dlerror());
    dlerror();
    void* symbol = dlsym(handle, program.name.c_str());
    if (symbol == nullptr) {
      const char* why = dlerror();
      std::string message = "C device: kernel " + program.name + " is not in its shared object: " + (why != nullptr ? why : "null symbol");
      dlclose(handle);
      throw DeviceError(message);
    }
    return std::make_unique<c_detail::CKernel>(handle, reinterpret_cast<CpuKernelFn>(symbol));
  }

 private:
  mutable std::mutex mutex_;
  mutable std::vector<std::string> id_compiler_;
  mutable std::string id_;
};

inline const bool c_device_registered = register_device("C", [] { return std::make_unique<CDevice>(); });

}  // namespace ctgrad::rt
