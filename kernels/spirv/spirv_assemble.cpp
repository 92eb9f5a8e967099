#include "spirv_assemble.hpp"

#include <cstdio>
#include <spirv-tools/libspirv.hpp>

#include "ctgrad/runtime/errors.hpp"

namespace ctgrad::rt::spirv {

namespace {

std::string numbered(const std::string& text) {
  std::string out;
  std::size_t line = 1, start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    char prefix[16];
    std::snprintf(prefix, sizeof prefix, "%5zu  ", line++);
    ((out += prefix) += text.substr(start, end - start)) += '\n';
    start = end + 1;
  }
  return out;
}

}  // namespace

std::vector<std::uint32_t> assemble_and_validate(const std::string& text, const std::string& kernel_name) {
  spvtools::SpirvTools tools(SPV_ENV_VULKAN_1_2);
  std::string messages;
  tools.SetMessageConsumer([&messages](spv_message_level_t, const char*, const spv_position_t& position, const char* message) {
    messages += "  ";
    if (position.line > 0 || position.column > 0) messages += "line " + std::to_string(position.line + 1) + ": ";
    (messages += message) += '\n';
  });
  std::vector<std::uint32_t> binary;
  auto fail = [&](const char* stage) {
    return CompileError("SPIR-V of kernel '" + kernel_name + "' failed " + stage + " (SPIRV-Tools, Vulkan 1.2):\n" + messages +
                        "--- SPIR-V assembly ---\n" + numbered(text));
  };
  if (!tools.Assemble(text, &binary, SPV_TEXT_TO_BINARY_OPTION_NONE)) throw fail("to assemble");
  if (!tools.Validate(binary)) throw fail("validation");
  return binary;
}

std::string spirv_tools_version() { return spvSoftwareVersionString(); }

}  // namespace ctgrad::rt::spirv
