// VIZ: what the recorder keeps of a realize (graph, kernels, stages, sources), the page it writes, the node cap, and
// that nothing is recorded when VIZ is off. viz_screenshot.sh runs the case `page_at_exit` alone, with VIZ=1.
#define BOOST_TEST_MODULE viz
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "ctgrad/ctgrad.hpp"

namespace {

using ctgrad::Tensor;
namespace rt = ctgrad::rt;
namespace viz = ctgrad::rt::viz;

std::vector<float> values(std::size_t n) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<float>((i * 37 + 11) % 64) / 16.0f - 2.0f;
  return v;
}

bool has_op(const viz::Graph& g, const std::string& op) {
  return std::any_of(g.nodes.begin(), g.nodes.end(), [&](const viz::Node& n) { return n.op == op; });
}
const viz::Stage* stage(const viz::KernelRecord& k, const std::string& name) {
  for (auto& s : k.stages)
    if (s.name == name) return &s;
  return nullptr;
}
std::string json(const std::string& s) {
  std::string out;
  viz::append_json_string(out, s);
  return out;
}
std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Records while alive, with an empty recording at the start; restores the flag after.
struct Recording {
  bool was = viz::enabled();
  Recording() {
    viz::Recorder::instance().clear();
    viz::set_enabled(true);
  }
  ~Recording() {
    viz::set_enabled(was);
    viz::Recorder::instance().clear();
  }
};

// out[i] = sum_j relu(2 a[i,j] + 1): one fused reduction kernel.
std::vector<float> reference(const std::vector<float>& a) {
  std::vector<float> out(4, 0.0f);
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < 8; ++j) out[i] += std::max(2.0f * a[i * 8 + j] + 1.0f, 0.0f);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(records_the_graph_kernels_stages_and_source_of_a_realize) {
  Recording on;
  const auto v = values(32);
  auto a = Tensor<float, 4, 8>::from(std::span<const float>(v));
  const std::int64_t before = rt::counters().kernels_run;
  auto out = ((a * 2.0f + 1.0f).relu()).sum<1>();
  out.realize();
  const std::int64_t ran = rt::counters().kernels_run - before;
  const viz::Recording r = viz::Recorder::instance().recording();  // before tolist, which may realize a copy
  const auto got = out.tolist(), want = reference(v);
  for (std::size_t i = 0; i < 4; ++i) BOOST_TEST(got[i] == want[i], boost::test_tools::tolerance(1e-5f));

  BOOST_TEST_REQUIRE(r.realizes.size() == 1u);
  BOOST_TEST(static_cast<std::int64_t>(r.realizes[0].launches.size()) == ran);
  const viz::Graph& graph = r.graphs.at(r.realizes[0].graph);
  BOOST_TEST(has_op(graph, "Reduce"));
  BOOST_TEST(has_op(graph, "Buffer"));
  BOOST_TEST(graph.nodes.back().op == "Reduce");  // the output comes last (sources first)
  for (std::size_t i = 0; i < graph.nodes.size(); ++i)
    for (int s : graph.nodes[i].src) BOOST_TEST(s < static_cast<int>(i));

  BOOST_TEST_REQUIRE(!r.kernels.empty());
  const viz::KernelRecord& k = r.kernels.at(r.realizes[0].launches.back().kernel);
  BOOST_TEST(k.runs == 1);
  BOOST_TEST(k.out_shape == "(4,1)");  // the reduction's shape, dims kept (as DEBUG=2 prints it)
  BOOST_TEST(k.source.find(k.name) != std::string::npos);  // the kernel's own source, which names it
  BOOST_TEST(k.bytes > 0);
  const viz::Stage *fused = stage(k, "fused graph"), *ast = stage(k, "kernel AST"), *program = stage(k, "program");
  BOOST_TEST_REQUIRE((fused && ast && program));
  BOOST_TEST(has_op(fused->graph, "Reduce"));
  BOOST_TEST(has_op(ast->graph, "Store"));
  BOOST_TEST(has_op(ast->graph, "Load"));
  BOOST_TEST(has_op(ast->graph, "Acc"));
  BOOST_TEST(has_op(program->graph, "Store"));
  BOOST_TEST(has_op(program->graph, "Range"));

  // the page, as written: the names, the source and the ops are in it, and it loads nothing from outside
  const std::string path = (std::filesystem::temp_directory_path() / ("ctgrad_viz_test_" + std::to_string(::getpid()) + ".html")).string();
  BOOST_TEST(ctgrad::viz::write(path) == path);
  const std::string page = read_file(path);
  std::filesystem::remove(path);
  BOOST_TEST(page.find(json(k.name)) != std::string::npos);
  BOOST_TEST(page.find(json(k.source)) != std::string::npos);
  BOOST_TEST(page.find("\"Reduce\"") != std::string::npos);
  BOOST_TEST(page.find("\"Acc\"") != std::string::npos);
  for (const char* outside : {"src=\"http", "href=\"http", "<link", "@import", "https:"})
    BOOST_TEST(page.find(outside) == std::string::npos, outside);
}

BOOST_AUTO_TEST_CASE(a_kernel_run_twice_is_one_record_with_two_runs) {
  Recording on;
  const auto v = values(32);
  for (int i = 0; i < 2; ++i) {
    auto a = Tensor<float, 4, 8>::from(std::span<const float>(v));
    ((a * 2.0f + 1.0f).relu()).sum<1>().realize();
  }
  const viz::Recording r = viz::Recorder::instance().recording();
  BOOST_TEST_REQUIRE(r.realizes.size() == 2u);
  BOOST_TEST(r.graphs.size() == 1u);  // the same structure over new buffers is stored once
  BOOST_TEST_REQUIRE(r.kernels.size() == 1u);
  BOOST_TEST(r.kernels[0].runs == 2);
}

BOOST_AUTO_TEST_CASE(nothing_is_recorded_when_viz_is_off) {
  Recording on;
  viz::set_enabled(false);
  auto a = Tensor<float, 4, 8>::from(std::span<const float>(values(32)));
  (a * 3.0f).sum<0>().realize();
  const viz::Recording r = viz::Recorder::instance().recording();
  BOOST_TEST(r.realizes.empty());
  BOOST_TEST(r.kernels.empty());
}

BOOST_AUTO_TEST_CASE(a_graph_over_the_cap_keeps_the_nodes_nearest_the_output) {
  auto x = Tensor<float, 16>::from(std::span<const float>(values(16)));
  for (int i = 0; i < 200; ++i) x = x * static_cast<float>(i + 2) + 0.5f;  // 400 ALU nodes in a chain, never realized
  const viz::Graph g = viz::capture({x.base().get()}, 50);
  BOOST_TEST(g.nodes.size() == 50u);
  BOOST_TEST(g.total > 400u);
  BOOST_TEST(g.nodes.back().op == "Add");  // the output
  int omitted = 0;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    omitted += g.nodes[i].omitted_srcs;
    for (int s : g.nodes[i].src) BOOST_TEST(s < static_cast<int>(i));
  }
  BOOST_TEST(omitted > 0);
}

BOOST_AUTO_TEST_CASE(a_page_that_cannot_be_written_is_an_error_naming_the_path) {
  const std::string path = "/nonexistent-ctgrad-dir/page.html";
  BOOST_CHECK_EXCEPTION(ctgrad::viz::write(path), ctgrad::Error,
                        [&](const ctgrad::Error& e) { return std::string(e.what()).find("cannot write " + path) != std::string::npos; });
}

BOOST_AUTO_TEST_CASE(json_text_cannot_end_the_script_element) {
  BOOST_TEST(json("</script>\n\"\\\t") == "\"\\u003c/script\\u003e\\n\\\"\\\\\\u0009\"");
}

// Two realizes (a matmul layer, then a reduction of it) on top of what the program recorded before. viz_screenshot.sh
// runs this case alone with VIZ=1 and VIZ_PATH set: then recording stays on and the page is written at exit, as in a
// user's program.
BOOST_AUTO_TEST_CASE(page_at_exit) {
  const bool was = viz::enabled();
  viz::set_enabled(true);
  const std::size_t before = viz::Recorder::instance().recording().realizes.size();
  auto x = Tensor<float, 4, 16>::from(std::span<const float>(values(64)));
  auto w = Tensor<float, 16, 8>::from(std::span<const float>(values(128)));
  auto h = x.matmul(w).relu();
  h.realize();
  auto total = (h * h).sum();
  total.realize();
  const viz::Recording r = viz::Recorder::instance().recording();
  viz::set_enabled(was);
  BOOST_TEST(r.realizes.size() == before + 2);
  BOOST_TEST(std::isfinite(total.item()));
}
