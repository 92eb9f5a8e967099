// The ctgrad tour: what the compiler decides, and what is left for the run time.
#include <cstdio>
#include <ctgrad/ctgrad.hpp>

using namespace ctgrad;

namespace {

// The first error line of examples/tour/shape_error.cpp, captured from the compiler when this program was built.
constexpr const char* kShapeError =
#include "shape_error.inc"
    ;

void print_view(const ViewStack& s) {
  for (std::uint8_t i = 0; i < s.depth; ++i) {
    const View& v = s.views[i];
    std::printf("    view %d: shape (", i);
    for (int d = 0; d < v.rank; ++d) std::printf("%s%lld", d ? "," : "", static_cast<long long>(v.shape[d]));
    std::printf(") strides (");
    for (int d = 0; d < v.rank; ++d) std::printf("%s%lld", d ? "," : "", static_cast<long long>(v.stride[d]));
    std::printf(") offset %lld mask [", static_cast<long long>(v.offset));
    for (int d = 0; d < v.rank; ++d) std::printf("%s%lld:%lld", d ? "," : "", static_cast<long long>(v.lo[d]), static_cast<long long>(v.hi[d]));
    std::printf(")\n");
  }
}

}  // namespace

int main() {
  std::setvbuf(stdout, nullptr, _IONBF, 0);  // interleave with the DEBUG lines on stderr
  std::printf("ctgrad tour on device %s\n\n", default_device().c_str());

  std::printf("1. A shape error is a compile error. Compiling\n"
              "     Tensor<float, 2, 3>::ones().matmul(Tensor<float, 4, 5>::ones())\n"
              "   gives:\n     %s\n\n", kShapeError);

  std::printf("2. Movement ops fold into one view at no run-time cost.\n");
  auto x = Tensor<float, 4, 6>::arange().realize();
  const auto nodes_before = rt::live_uops();
  auto y = x.permute<1, 0>().flip<0>().shrink<1, 5, 0, 4>().pad<0, 0, 1, 1>().expand<2, 4, 6>();
  std::printf("   x.permute<1,0>().flip<0>().shrink<1,5,0,4>().pad<0,0,1,1>().expand<2,4,6>(): %zu new graph nodes, folded into\n",
              rt::live_uops() - nodes_before);
  print_view(y.view());
  // the same chain on a compile-time view: checkable in a static_assert
  constexpr View folded = pad(shrink(flip(permute(contiguous(std::array<std::size_t, 2>{4, 6}), {1, 0}), {true}), {1, 0}, {5, 4}), {0, 1}, {0, 1});
  static_assert(folded.stride[0] == -1 && folded.stride[1] == 6 && folded.offset == 4 - 6);
  std::printf("   (the same fold as a constexpr View: strides (%lld,%lld), offset %lld, checked by static_assert)\n\n",
              static_cast<long long>(folded.stride[0]), static_cast<long long>(folded.stride[1]), static_cast<long long>(folded.offset));

  std::printf("3. What is left runs as fused, JIT-compiled kernels (DEBUG=2 output):\n");
  rt::set_debug_level(2);
  auto a = Tensor<float, 256, 256>::rand(), b = Tensor<float, 256, 256>::rand();
  a.realize();
  b.realize();
  auto loss = ((a * b + 1.0f).relu() * 0.5f - a).sum();  // one kernel: the elementwise chain fused into the reduction
  auto prod = a.matmul(b).realize();
  auto sums = y.sum<1>();
  std::printf("   ((a*b+1).relu()*0.5-a).sum() = %.4f\n", static_cast<double>(loss.item()));
  std::printf("   (a @ b)[0,0] = %.4f, sum over axis 1 of the folded view, [0,1]: %.1f\n", static_cast<double>(prod.tolist()[0]),
              static_cast<double>(sums.tolist()[1]));
  rt::set_debug_level(0);
  auto& c = rt::counters();
  std::printf("\n   kernels run: %lld, compiled: %lld (the rest came from the kernel cache), compile time %.1f ms\n",
              static_cast<long long>(c.kernels_run.load()), static_cast<long long>(c.kernels_compiled.load()), static_cast<double>(c.compile_ns.load()) / 1e6);
  return 0;
}
