#include "spirv_types.hpp"

namespace ctgrad::rt::spirv {

Type register_type(DType d) {
  switch (d) {
    case DType::Bool: return kBool;
    case DType::Half: return {Type::Float, 16};
    case DType::BFloat16: case DType::Float32: return kF32;
    case DType::Float64: return {Type::Float, 64};
    default: return {Type::UInt, static_cast<int>(itemsize(d) * 8)};
  }
}

Type storage_type(DType d) {
  if (d == DType::Bool) return {Type::UInt, 8};
  if (d == DType::BFloat16) return {Type::UInt, 16};
  return register_type(d);
}

void declare_capabilities(Module& m, DType d, bool in_buffer) {
  switch (d) {
    case DType::Int8: case DType::UInt8: m.capability("Int8"); break;
    case DType::Int16: case DType::UInt16: m.capability("Int16"); break;
    case DType::Int64: case DType::UInt64: m.capability("Int64"); break;
    case DType::Half: m.capability("Float16"); break;
    case DType::Float64: m.capability("Float64"); break;
    default: break;
  }
  if (in_buffer && itemsize(d) == 1) m.capability("StorageBuffer8BitAccess");
  if (in_buffer && itemsize(d) == 2) m.capability("StorageBuffer16BitAccess");
}

std::vector<std::string_view> features_for(DType d) {
  switch (d) {
    case DType::Bool: return {"storageBuffer8BitAccess"};
    case DType::Int8: case DType::UInt8: return {"shaderInt8", "storageBuffer8BitAccess"};
    case DType::Int16: case DType::UInt16: return {"shaderInt16", "storageBuffer16BitAccess"};
    case DType::Int64: case DType::UInt64: return {"shaderInt64"};
    case DType::Half: return {"shaderFloat16", "storageBuffer16BitAccess"};
    case DType::BFloat16: return {"storageBuffer16BitAccess"};
    case DType::Float64: return {"shaderFloat64"};
    default: return {};
  }
}

}  // namespace ctgrad::rt::spirv
