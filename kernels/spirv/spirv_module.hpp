#pragma once
// Builds the SPIR-V assembly text of one GLCompute kernel. Types and constants are declared once, on first use and
// after what they depend on, so the text is always in the order SPIR-V requires; capabilities, decorations, entry
// point interface and Function-storage variables are gathered on the side and placed where they belong at the end.
#include <cstdint>
#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ctgrad::rt::spirv {

// A register (or memory element) type. Every integer is declared unsigned: the operation, not the type, decides
// signedness, which keeps one SPIR-V type per width (the Vulkan validator wants unsigned results for OpUConvert).
struct Type {
  enum Kind : std::uint8_t { Bool, UInt, Float } kind;
  int bits;
  friend bool operator==(const Type&, const Type&) = default;
};
inline constexpr Type kBool{Type::Bool, 1};
inline constexpr Type kU32{Type::UInt, 32};
inline constexpr Type kF32{Type::Float, 32};

class Module {
 public:
  Module();

  // -- declarations (module scope)
  std::string type(Type t);
  std::string pointer_type(std::string_view storage_class, const std::string& pointee);
  std::string vector_type(Type element, int count);
  std::string uint_const(Type t, std::uint64_t value);  // value truncated to t.bits
  std::string float_const(Type t, double value);        // rounded to t.bits (to nearest even)
  std::string bool_const(bool value);
  std::string zero(Type t);
  std::string one(Type t);
  // A StorageBuffer runtime array of `element` at (set 0, binding); listed in the entry point's interface.
  std::string storage_buffer(Type element, int binding, bool read_only);
  std::string builtin_input(std::string_view builtin, const std::string& type_id);
  // A Workgroup array of `length` elements (a block's Shared array, the optimizer's STAGE); in the interface too.
  std::string workgroup_array(Type element, std::int64_t length, int id);
  void capability(std::string_view cap) { capabilities_.insert(std::string(cap)); }
  void decorate(std::string line) { annotations_ += line + '\n'; }
  std::string glsl_import();  // the GLSL.std.450 extended instruction set

  // -- the function body
  std::string fresh(std::string_view hint);
  // `%id = opcode %result_type args...`; float arithmetic results are decorated NoContraction (see spirv_render.hpp).
  std::string op(Type result, std::string_view opcode, std::initializer_list<std::string> args);
  std::string op_raw(const std::string& result_type_id, std::string_view opcode, std::initializer_list<std::string> args);
  std::string glsl(Type result, std::string_view instruction, std::initializer_list<std::string> args);
  void emit(std::string_view line) { (body_ += line) += '\n'; }
  void comment(std::string_view text) { ((body_ += "; ") += text) += '\n'; }
  void begin_block(const std::string& label);  // `%label = OpLabel`; the previous block must be terminated
  const std::string& block() const { return block_; }
  std::string local(Type t);  // a Function-storage variable (declared in the entry block)

  // The whole module; `local_size` is the workgroup's x size.
  std::string text(int local_size) const;

 private:
  std::string declare(const std::string& key, const std::string& id, const std::string& line);
  std::set<std::string> capabilities_{"Shader"};
  std::string annotations_, globals_, locals_, body_;
  std::map<std::string, std::string> declared_;  // declaration key -> id
  std::vector<std::string> interface_;
  std::string block_ = "%entry";
  bool uses_glsl_ = false;
  int next_id_ = 0;
};

std::string type_name(Type t);  // "bool", "u32", "f16"...

}  // namespace ctgrad::rt::spirv
