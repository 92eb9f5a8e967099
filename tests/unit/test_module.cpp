// ctgrad through `import ctgrad;` alone: no ctgrad header is included in this file.
#define BOOST_TEST_MODULE module
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>
import ctgrad;

BOOST_AUTO_TEST_CASE(types_views_and_values_through_the_module) {
  using namespace ctgrad;
  using T = Tensor<float, 2, 3>;
  static_assert(T::shape[0] == 2 && T::numel == 6);
  static_assert(std::is_same_v<decltype(T::ones().reshape<3, 2>()), Tensor<float, 3, 2>>);
  static_assert(std::is_same_v<decltype(Tensor<int, 4>::ones() + Tensor<float, 4>::ones()), Tensor<float, 4>>);
  auto a = T::from({1, 2, 3, 4, 5, 6});
  auto b = (a.permute<1, 0>() * 2.0f + 1.0f).sum<1>();
  auto v = b.tolist();
  BOOST_TEST(v.size() == 3u);
  BOOST_TEST(v[0] == 2 * (1 + 4) + 2.0f);
  BOOST_TEST(v[2] == 2 * (3 + 6) + 2.0f);
  BOOST_TEST(a.matmul(a.transpose<0, 1>()).tolist()[3] == 77.0f);
}

// The op surface through the module: members from the mixin, free functions and argument types exported.
BOOST_AUTO_TEST_CASE(op_surface_through_the_module) {
  using namespace ctgrad;
  auto x = Tensor<float, 2, 3>::from({1, 2, 3, 4, 5, 6});
  BOOST_TEST(std::abs(x.softmax<1>().sum().item() - 2.0f) < 1e-5f);
  BOOST_TEST(x.argmax().item() == 5);
  BOOST_TEST(cat<0>(x, x).sum().item() == 42.0f);
  BOOST_TEST((einsum<"ij,kj->ik">(x, x).tolist()[3] == 77.0f));
  auto img = Tensor<float, 1, 1, 4, 4>::ones();
  BOOST_TEST((img.conv2d<Hw{1, 1}, 1>(Tensor<float, 1, 1, 3, 3>::ones()).max().item() == 9.0f));
  auto [values, indices] = x.topk<1>();
  BOOST_TEST(indices.tolist()[1] == 2);
  BOOST_TEST(values.tolist()[1] == 6.0f);
}

// VIZ through the module: recording turned on from code, and the page written where asked.
BOOST_AUTO_TEST_CASE(viz_page_through_the_module) {
  const bool was = ctgrad::viz::enabled();
  ctgrad::viz::enable();
  BOOST_TEST(ctgrad::viz::enabled());
  auto x = ctgrad::Tensor<float, 2, 3>::from({1, 2, 3, 4, 5, 6});
  BOOST_TEST((x * 3.0f).sum().item() == 63.0f);
  const std::string path = std::filesystem::temp_directory_path() / ("ctgrad_module_viz_" + std::to_string(::getpid()) + ".html");
  BOOST_TEST(ctgrad::viz::write(path) == path);
  ctgrad::viz::enable(was);
  std::ifstream in(path);
  const std::string page{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::filesystem::remove(path);
  BOOST_TEST(page.find("<title>ctgrad VIZ</title>") != std::string::npos);
  BOOST_TEST(page.find("\"Reduce\"") != std::string::npos);
}
