#include "spirv_module.hpp"

#include <bit>
#include <cmath>
#include <cstdio>

namespace ctgrad::rt::spirv {

std::string type_name(Type t) {
  switch (t.kind) {
    case Type::Bool: return "bool";
    case Type::UInt: return "u" + std::to_string(t.bits);
    case Type::Float: return "f" + std::to_string(t.bits);
  }
  return "?";
}

namespace {

std::string join(std::initializer_list<std::string> args) {
  std::string s;
  for (const auto& a : args) (s += ' ') += a;
  return s;
}

// A float literal the assembler reads back exactly: hex for finite values, SPIRV-Tools' spelling of inf and NaN
// (exponent one past the largest, mantissa 0 or 0x8).
std::string float_literal(Type t, double value) {
  const int inf_exponent = t.bits == 16 ? 16 : t.bits == 32 ? 128 : 1024;
  if (std::isnan(value)) return "0x1.8p+" + std::to_string(inf_exponent);
  if (std::isinf(value)) return std::string(value < 0 ? "-" : "") + "0x1p+" + std::to_string(inf_exponent);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a", value);
  return buf;
}

double round_to(Type t, double value) {
  if (t.bits == 16) return static_cast<double>(static_cast<_Float16>(value));
  if (t.bits == 32) return static_cast<double>(static_cast<float>(value));
  return value;
}

}  // namespace

Module::Module() {
  declared_["void"] = "%void";
  globals_ += "%void = OpTypeVoid\n%fn_void = OpTypeFunction %void\n";
}

std::string Module::declare(const std::string& key, const std::string& id, const std::string& line) {
  if (auto it = declared_.find(key); it != declared_.end()) return it->second;
  globals_ += id + " = " + line + '\n';
  declared_.emplace(key, id);
  return id;
}

std::string Module::type(Type t) {
  const std::string id = '%' + type_name(t);
  switch (t.kind) {
    case Type::Bool: return declare(id, id, "OpTypeBool");
    case Type::UInt: return declare(id, id, "OpTypeInt " + std::to_string(t.bits) + " 0");
    case Type::Float: return declare(id, id, "OpTypeFloat " + std::to_string(t.bits));
  }
  return id;
}

std::string Module::pointer_type(std::string_view storage_class, const std::string& pointee) {
  const std::string id = "%p_" + std::string(storage_class) + '_' + pointee.substr(1);
  return declare(id, id, "OpTypePointer " + std::string(storage_class) + ' ' + pointee);
}

std::string Module::vector_type(Type element, int count) {
  const std::string elem = type(element), id = "%v" + std::to_string(count) + type_name(element);
  return declare(id, id, "OpTypeVector " + elem + ' ' + std::to_string(count));
}

std::string Module::uint_const(Type t, std::uint64_t value) {
  if (t.bits < 64) value &= (std::uint64_t{1} << t.bits) - 1;
  const std::string id = "%c_" + type_name(t) + '_' + std::to_string(value);
  const std::string type_id = type(t);
  return declare(id, id, "OpConstant " + type_id + ' ' + std::to_string(value));
}

std::string Module::float_const(Type t, double value) {
  value = round_to(t, value);
  const std::string key = "%c_" + type_name(t) + "_bits" + std::to_string(std::bit_cast<std::uint64_t>(value));
  if (auto it = declared_.find(key); it != declared_.end()) return it->second;
  const std::string type_id = type(t);
  return declare(key, fresh("c_" + type_name(t) + "_"), "OpConstant " + type_id + ' ' + float_literal(t, value));
}

std::string Module::bool_const(bool value) {
  const std::string type_id = type(kBool);
  return value ? declare("%true", "%true", "OpConstantTrue " + type_id) : declare("%false", "%false", "OpConstantFalse " + type_id);
}

std::string Module::zero(Type t) {
  if (t.kind == Type::Bool) return bool_const(false);
  return t.kind == Type::Float ? float_const(t, 0.0) : uint_const(t, 0);
}

std::string Module::one(Type t) {
  if (t.kind == Type::Bool) return bool_const(true);
  return t.kind == Type::Float ? float_const(t, 1.0) : uint_const(t, 1);
}

std::string Module::storage_buffer(Type element, int binding, bool read_only) {
  const std::string elem = type(element), name = type_name(element);
  const std::string array = "%rta_" + name, block = "%buf_" + name;
  if (!declared_.contains(array)) {
    decorate("OpDecorate " + array + " ArrayStride " + std::to_string(element.bits / 8));
    decorate("OpMemberDecorate " + block + " 0 Offset 0");
    decorate("OpDecorate " + block + " Block");
  }
  declare(array, array, "OpTypeRuntimeArray " + elem);
  declare(block, block, "OpTypeStruct " + array);
  const std::string pointer = pointer_type("StorageBuffer", block);
  const std::string var = "%param" + std::to_string(binding);
  declare(var, var, "OpVariable " + pointer + " StorageBuffer");
  decorate("OpDecorate " + var + " DescriptorSet 0");
  decorate("OpDecorate " + var + " Binding " + std::to_string(binding));
  if (read_only) decorate("OpDecorate " + var + " NonWritable");
  interface_.push_back(var);
  return var;
}

std::string Module::workgroup_array(Type element, std::int64_t length, int id) {
  const std::string array = "%wga_" + type_name(element) + '_' + std::to_string(length);
  declare(array, array, "OpTypeArray " + type(element) + ' ' + uint_const(kU32, static_cast<std::uint64_t>(length)));
  const std::string var = "%shared" + std::to_string(id);
  declare(var, var, "OpVariable " + pointer_type("Workgroup", array) + " Workgroup");
  interface_.push_back(var);
  return var;
}

std::string Module::builtin_input(std::string_view builtin, const std::string& type_id) {
  const std::string var = '%' + std::string(builtin);
  if (declared_.contains(var)) return var;
  declare(var, var, "OpVariable " + pointer_type("Input", type_id) + " Input");
  decorate("OpDecorate " + var + " BuiltIn " + std::string(builtin));
  interface_.push_back(var);
  return var;
}

std::string Module::glsl_import() {
  uses_glsl_ = true;
  return "%glsl";
}

std::string Module::fresh(std::string_view hint) { return '%' + std::string(hint) + std::to_string(next_id_++); }

std::string Module::op_raw(const std::string& result_type_id, std::string_view opcode, std::initializer_list<std::string> args) {
  std::string id = fresh("t");
  body_ += id + " = " + std::string(opcode) + ' ' + result_type_id + join(args) + '\n';
  return id;
}

std::string Module::op(Type result, std::string_view opcode, std::initializer_list<std::string> args) {
  std::string id = op_raw(type(result), opcode, args);
  static const std::set<std::string_view> float_arithmetic{"OpFAdd", "OpFSub", "OpFMul", "OpFDiv", "OpFNegate"};
  if (float_arithmetic.contains(opcode)) decorate("OpDecorate " + id + " NoContraction");
  return id;
}

std::string Module::glsl(Type result, std::string_view instruction, std::initializer_list<std::string> args) {
  std::string id = fresh("t");
  body_ += id + " = OpExtInst " + type(result) + ' ' + glsl_import() + ' ' + std::string(instruction) + join(args) + '\n';
  return id;
}

void Module::begin_block(const std::string& label) {
  body_ += label + " = OpLabel\n";
  block_ = label;
}

std::string Module::local(Type t) {
  const std::string id = fresh("var");
  locals_ += id + " = OpVariable " + pointer_type("Function", type(t)) + " Function\n";
  return id;
}

std::string Module::text(int local_size) const {
  std::string s;
  for (const auto& cap : capabilities_) s += "OpCapability " + cap + '\n';
  if (uses_glsl_) s += "%glsl = OpExtInstImport \"GLSL.std.450\"\n";
  s += "OpMemoryModel Logical GLSL450\nOpEntryPoint GLCompute %main \"main\"";
  for (const auto& v : interface_) s += ' ' + v;
  s += "\nOpExecutionMode %main LocalSize " + std::to_string(local_size) + " 1 1\n";
  s += annotations_ + globals_;
  s += "%main = OpFunction %void None %fn_void\n%entry = OpLabel\n" + locals_ + body_ + "OpFunctionEnd\n";
  return s;
}

}  // namespace ctgrad::rt::spirv
