// 50 tensor shapes, each with its own chain of movement ops and an elementwise op: the compile-time budget
// test (issue: static layer asks for "a few seconds" for such a TU). Types and views only; nothing is run.
#include <ctgrad/ctgrad.hpp>

using namespace ctgrad;

void fifty_chains() {
  { auto x = Tensor<float, 7, 4, 8>::zeros(); auto y = x.permute<2, 0, 1>().reshape<8, 28>().flip<1>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 2, 3, 3>::zeros(); auto y = x.pad<1, 0, 0, 2, 0, 0>().shrink<0, 2, 1, 4, 0, 3>().transpose<0, 2>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 7, 2, 5>::zeros(); auto y = x.reshape<70>().reshape<7, 10>().unsqueeze<0>().expand<3, 7, 10>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 2, 3, 8>::zeros(); auto y = x.flip<0, 2>().permute<1, 2, 0>().flatten(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 8, 3, 5>::zeros(); auto y = x.shrink<1, 8, 0, 3, 1, 5>().pad<0, 1, 2, 0, 1, 1>().sum<1>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 3, 8, 2>::zeros(); auto y = x.permute<2, 0, 1>().reshape<2, 24>().flip<1>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 3, 5, 2>::zeros(); auto y = x.pad<1, 0, 0, 2, 0, 0>().shrink<0, 3, 1, 6, 0, 2>().transpose<0, 2>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 8, 2, 5>::zeros(); auto y = x.reshape<80>().reshape<8, 10>().unsqueeze<0>().expand<3, 8, 10>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 2, 4, 6>::zeros(); auto y = x.flip<0, 2>().permute<1, 2, 0>().flatten(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 8, 4, 3>::zeros(); auto y = x.shrink<1, 8, 0, 4, 1, 3>().pad<0, 1, 2, 0, 1, 1>().sum<1>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 6, 4, 3>::zeros(); auto y = x.permute<2, 0, 1>().reshape<3, 24>().flip<1>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 5, 7, 3>::zeros(); auto y = x.pad<1, 0, 0, 2, 0, 0>().shrink<0, 5, 1, 8, 0, 3>().transpose<0, 2>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 3, 2, 5>::zeros(); auto y = x.reshape<30>().reshape<3, 10>().unsqueeze<0>().expand<3, 3, 10>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 9, 8, 7>::zeros(); auto y = x.flip<0, 2>().permute<1, 2, 0>().flatten(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 9, 9, 7>::zeros(); auto y = x.shrink<1, 9, 0, 9, 1, 7>().pad<0, 1, 2, 0, 1, 1>().sum<1>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 6, 5, 4>::zeros(); auto y = x.permute<2, 0, 1>().reshape<4, 30>().flip<1>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 5, 3, 6>::zeros(); auto y = x.pad<1, 0, 0, 2, 0, 0>().shrink<0, 5, 1, 4, 0, 6>().transpose<0, 2>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 9, 7, 9>::zeros(); auto y = x.reshape<567>().reshape<9, 63>().unsqueeze<0>().expand<3, 9, 63>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 6, 3, 3>::zeros(); auto y = x.flip<0, 2>().permute<1, 2, 0>().flatten(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 8, 4, 7>::zeros(); auto y = x.shrink<1, 8, 0, 4, 1, 7>().pad<0, 1, 2, 0, 1, 1>().sum<1>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 4, 9, 8>::zeros(); auto y = x.permute<2, 0, 1>().reshape<8, 36>().flip<1>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 2, 3, 7>::zeros(); auto y = x.pad<1, 0, 0, 2, 0, 0>().shrink<0, 2, 1, 4, 0, 7>().transpose<0, 2>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 7, 7, 9>::zeros(); auto y = x.reshape<441>().reshape<7, 63>().unsqueeze<0>().expand<3, 7, 63>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 9, 3, 3>::zeros(); auto y = x.flip<0, 2>().permute<1, 2, 0>().flatten(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 6, 9, 3>::zeros(); auto y = x.shrink<1, 6, 0, 9, 1, 3>().pad<0, 1, 2, 0, 1, 1>().sum<1>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 2, 6, 9>::zeros(); auto y = x.permute<2, 0, 1>().reshape<9, 12>().flip<1>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 6, 8, 7>::zeros(); auto y = x.pad<1, 0, 0, 2, 0, 0>().shrink<0, 6, 1, 9, 0, 7>().transpose<0, 2>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 2, 9, 7>::zeros(); auto y = x.reshape<126>().reshape<2, 63>().unsqueeze<0>().expand<3, 2, 63>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 4, 3, 9>::zeros(); auto y = x.flip<0, 2>().permute<1, 2, 0>().flatten(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 2, 5, 6>::zeros(); auto y = x.shrink<1, 2, 0, 5, 1, 6>().pad<0, 1, 2, 0, 1, 1>().sum<1>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 4, 5, 8>::zeros(); auto y = x.permute<2, 0, 1>().reshape<8, 20>().flip<1>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 8, 9, 3>::zeros(); auto y = x.pad<1, 0, 0, 2, 0, 0>().shrink<0, 8, 1, 10, 0, 3>().transpose<0, 2>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 4, 9, 8>::zeros(); auto y = x.reshape<288>().reshape<4, 72>().unsqueeze<0>().expand<3, 4, 72>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 6, 4, 8>::zeros(); auto y = x.flip<0, 2>().permute<1, 2, 0>().flatten(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 6, 8, 7>::zeros(); auto y = x.shrink<1, 6, 0, 8, 1, 7>().pad<0, 1, 2, 0, 1, 1>().sum<1>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 8, 5, 4>::zeros(); auto y = x.permute<2, 0, 1>().reshape<4, 40>().flip<1>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 3, 4, 4>::zeros(); auto y = x.pad<1, 0, 0, 2, 0, 0>().shrink<0, 3, 1, 5, 0, 4>().transpose<0, 2>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 5, 5, 2>::zeros(); auto y = x.reshape<50>().reshape<5, 10>().unsqueeze<0>().expand<3, 5, 10>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 9, 4, 6>::zeros(); auto y = x.flip<0, 2>().permute<1, 2, 0>().flatten(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 6, 2, 4>::zeros(); auto y = x.shrink<1, 6, 0, 2, 1, 4>().pad<0, 1, 2, 0, 1, 1>().sum<1>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 8, 7, 7>::zeros(); auto y = x.permute<2, 0, 1>().reshape<7, 56>().flip<1>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 4, 2, 9>::zeros(); auto y = x.pad<1, 0, 0, 2, 0, 0>().shrink<0, 4, 1, 3, 0, 9>().transpose<0, 2>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 8, 8, 8>::zeros(); auto y = x.reshape<512>().reshape<8, 64>().unsqueeze<0>().expand<3, 8, 64>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 8, 3, 9>::zeros(); auto y = x.flip<0, 2>().permute<1, 2, 0>().flatten(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 8, 2, 5>::zeros(); auto y = x.shrink<1, 8, 0, 2, 1, 5>().pad<0, 1, 2, 0, 1, 1>().sum<1>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 3, 5, 9>::zeros(); auto y = x.permute<2, 0, 1>().reshape<9, 15>().flip<1>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 4, 3, 7>::zeros(); auto y = x.pad<1, 0, 0, 2, 0, 0>().shrink<0, 4, 1, 4, 0, 7>().transpose<0, 2>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 2, 3, 2>::zeros(); auto y = x.reshape<12>().reshape<2, 6>().unsqueeze<0>().expand<3, 2, 6>(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 4, 3, 7>::zeros(); auto y = x.flip<0, 2>().permute<1, 2, 0>().flatten(); auto z = y + 1.0f; (void)z; }
  { auto x = Tensor<float, 2, 3, 5>::zeros(); auto y = x.shrink<1, 2, 0, 3, 1, 5>().pad<0, 1, 2, 0, 1, 1>().sum<1>(); auto z = y + 1.0f; (void)z; }
}
