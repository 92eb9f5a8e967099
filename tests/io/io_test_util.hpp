#pragma once
// Helpers for the file-format tests: write bytes to a file, and check that loading one fails with a message that
// names the file and the problem.
#include <boost/test/unit_test.hpp>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>

#include "ctgrad/io/raw_tensor.hpp"

namespace ctgrad_test {

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  BOOST_REQUIRE(out.good());
}

// `load` must throw an IoError whose message contains both `path` and `problem`.
inline void expect_io_error(const std::function<void()>& load, const std::string& path, const std::string& problem) {
  try {
    load();
    BOOST_ERROR("no error for " << path << " (expected: " << problem << ")");
  } catch (const ctgrad::io::IoError& e) {
    const std::string msg = e.what();
    BOOST_TEST_MESSAGE(msg);
    BOOST_CHECK_MESSAGE(msg.find(path) != std::string::npos, "message does not name the file: " << msg);
    BOOST_CHECK_MESSAGE(msg.find(problem) != std::string::npos, "message lacks '" << problem << "': " << msg);
  }
}

}  // namespace ctgrad_test
