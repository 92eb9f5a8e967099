#pragma once
// How a kernel of global_size invocations is dispatched. The renderer bakes the plan into the shader (to turn the
// workgroup ids back into g) and the launcher dispatches it, so both must call this one function.
#include <cstdint>
#include <string>

#include "ctgrad/runtime/errors.hpp"

namespace ctgrad::rt::spirv {

// Vulkan guarantees at least this many workgroups per dimension on every device; planning with it keeps a
// rendered kernel (and its cached binary) valid on any device.
inline constexpr std::int64_t kMaxGroupsPerDimension = 65535;

struct DispatchPlan {
  int local_size;          // workgroup size in x
  std::uint32_t groups_x;  // workgroups in x ...
  std::uint32_t groups_y;  // ... and y: g = y * groups_x * local_size + x, guarded by g < global_size
};

// `local_size`: the program's (its LOCAL tiles, one workgroup each), 0 to choose here.
inline DispatchPlan plan_dispatch(std::int64_t global_size, std::int64_t local_size = 0) {
  if (local_size < 0 || local_size > 1024) throw CompileError("SPIR-V dispatch: workgroups of " + std::to_string(local_size) + " invocations");
  // small kernels keep more workgroups to spread over cores
  const int local = local_size > 0 ? static_cast<int>(local_size) : global_size >= 65536 ? 256 : 64;
  const std::int64_t groups = (global_size + local - 1) / local;
  if (groups <= kMaxGroupsPerDimension) return {local, static_cast<std::uint32_t>(groups), 1};
  const std::int64_t rows = (groups + kMaxGroupsPerDimension - 1) / kMaxGroupsPerDimension;
  if (rows > kMaxGroupsPerDimension)
    throw CompileError("SPIR-V dispatch: global_size " + std::to_string(global_size) + " exceeds 65535 x 65535 workgroups");
  return {local, static_cast<std::uint32_t>((groups + rows - 1) / rows), static_cast<std::uint32_t>(rows)};
}

}  // namespace ctgrad::rt::spirv
