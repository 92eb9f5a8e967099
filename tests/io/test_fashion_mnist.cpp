// Fashion-MNIST from the Debian package's idx.gz files: shapes, dtypes, the classes' balance and known first
// labels; a folder without the files names the Debian package.
#define BOOST_TEST_MODULE fashion_mnist
#include <array>
#include <boost/test/unit_test.hpp>

#include "ctgrad/datasets/fashion_mnist.hpp"
#include "io/io_test_util.hpp"
#include "support/scoped_env.hpp"

namespace {

namespace io = ctgrad::io;
namespace rt = ctgrad::rt;

boost::test_tools::assertion_result installed(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result r(std::filesystem::exists(std::string(ctgrad::datasets::kFashionMnistDir) + "/train-images-idx3-ubyte.gz"));
  r.message() << "the Debian package dataset-fashion-mnist is not installed";
  return r;
}

std::array<int, 10> class_counts(const io::RawTensor& labels) {
  std::array<int, 10> n{};
  for (auto b : labels.bytes) ++n[std::to_integer<unsigned>(b)];
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(loads_the_installed_files, *boost::unit_test::precondition(installed)) {
  ctgrad_test::ScopedEnv dir("CTGRAD_FASHION_MNIST_DIR", std::nullopt);
  auto [X_train, Y_train, X_test, Y_test] = ctgrad::datasets::fashion_mnist_raw();
  BOOST_TEST((X_train.shape == std::vector<std::int64_t>{60000, 1, 28, 28}));
  BOOST_TEST((Y_train.shape == std::vector<std::int64_t>{60000}));
  BOOST_TEST((X_test.shape == std::vector<std::int64_t>{10000, 1, 28, 28}));
  BOOST_TEST((Y_test.shape == std::vector<std::int64_t>{10000}));
  for (const auto* t : {&X_train, &Y_train, &X_test, &Y_test}) {
    BOOST_TEST((t->dtype == rt::DType::UInt8));
    BOOST_TEST(t->bytes.size() == static_cast<std::size_t>(t->numel()));
  }
  std::array<int, 10> train_counts, test_counts;
  train_counts.fill(6000);
  test_counts.fill(1000);
  BOOST_TEST(class_counts(Y_train) == train_counts, boost::test_tools::per_element());
  BOOST_TEST(class_counts(Y_test) == test_counts, boost::test_tools::per_element());
  BOOST_TEST(std::to_integer<int>(Y_train.bytes[0]) == 9);  // both splits open with an ankle boot
  BOOST_TEST(std::to_integer<int>(Y_test.bytes[0]) == 9);
  int lit = 0;
  for (std::size_t i = 0; i < 784; ++i) lit += X_train.bytes[i] != std::byte{0};
  BOOST_TEST(lit > 100);  // an image, not padding
}

BOOST_AUTO_TEST_CASE(missing_files_name_the_debian_package) {
  ctgrad_test::TempDir empty;
  ctgrad_test::ScopedEnv dir("CTGRAD_FASHION_MNIST_DIR", empty.path().string());
  ctgrad_test::expect_io_error([] { ctgrad::datasets::fashion_mnist_raw(); }, (empty.path() / "train-images-idx3-ubyte.gz").string(),
                               "install the Debian package dataset-fashion-mnist");
}

BOOST_AUTO_TEST_CASE(files_of_the_wrong_shape_are_refused) {
  ctgrad_test::TempDir d;
  const std::string labels_as_images{'\0', '\0', '\x08', '\x01', '\0', '\0', '\0', '\x01', '\x03'};
  ctgrad_test::write_bytes((d.path() / "train-images-idx3-ubyte.gz").string(), labels_as_images);
  ctgrad_test::expect_io_error([&] { ctgrad::datasets::fashion_mnist_raw(d.path()); }, "train-images-idx3-ubyte.gz",
                               "is not a uint8 (n, 28, 28) image file");
}
