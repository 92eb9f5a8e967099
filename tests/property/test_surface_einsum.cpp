// einsum<"..."> against a naive float64 einsum (a loop over every assignment of the letters): matmul, batched
// matmul, transposes, traces of products, outer products, full and partial sums, three operands, the implicit
// output (letters used once, alphabetically); float and double, fixed seeds, every device.
#define BOOST_TEST_MODULE surface_einsum
#include <boost/test/unit_test.hpp>

#include <map>

#include "reference_surface.hpp"

namespace {

using ctgrad::einsum;
using ctgrad::Tensor;
using ref::expect_reduced;

// The reference: out[letters of `out`] = sum over the other letters of the product of the operands.
ref::Array einsum_ref(const std::vector<std::string>& ins, const std::string& out, const std::vector<ref::Array>& ops) {
  std::map<char, std::size_t> size;
  for (std::size_t o = 0; o < ins.size(); ++o)
    for (std::size_t k = 0; k < ins[o].size(); ++k) size[ins[o][k]] = ops[o].shape[k];
  std::string letters = out;
  for (auto [c, n] : size)
    if (out.find(c) == std::string::npos) letters += c;
  ref::Shape all, out_shape;
  for (char c : letters) all.push_back(size[c]);
  for (char c : out) out_shape.push_back(size[c]);
  ref::Array r{out_shape, std::vector<double>(ref::numel(out_shape))};
  for (std::size_t i = 0; i < ref::numel(all); ++i) {
    auto c = ref::unravel(i, all);
    double prod = 1;
    for (std::size_t o = 0; o < ins.size(); ++o) {
      ref::Shape idx;
      for (char l : ins[o]) idx.push_back(c[letters.find(l)]);
      prod *= ops[o].v[ref::ravel(idx, ops[o].shape)];
    }
    r.v[ref::ravel(ref::Shape(c.begin(), c.begin() + static_cast<long>(out.size())), out_shape)] += prod;
  }
  return r;
}

template <class T>
void equations(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto [a, ra] = ref::random_input<Tensor<T, 3, 4>>(rng, dev, -2, 2);
  auto [b, rb] = ref::random_input<Tensor<T, 4, 5>>(rng, dev, -2, 2);
  auto [c, rc] = ref::random_input<Tensor<T, 5, 3>>(rng, dev, -2, 2);
  auto [x, rx] = ref::random_input<Tensor<T, 2, 3, 4>>(rng, dev, -2, 2);
  auto [y, ry] = ref::random_input<Tensor<T, 2, 4, 5>>(rng, dev, -2, 2);
  auto [v, rv] = ref::random_input<Tensor<T, 4>>(rng, dev, -2, 2);
  auto [s, rs] = ref::random_input<Tensor<T, 3, 3>>(rng, dev, -2, 2);
  expect_reduced(einsum<"ij,jk->ik">(a, b), einsum_ref({"ij", "jk"}, "ik", {ra, rb}), "ij,jk->ik");
  expect_reduced(einsum<"ij,jk">(a, b), einsum_ref({"ij", "jk"}, "ik", {ra, rb}), "ij,jk (implicit output)");
  expect_reduced(einsum<"ij,jk->ki">(a, b), einsum_ref({"ij", "jk"}, "ki", {ra, rb}), "ij,jk->ki");
  expect_reduced(einsum<"bij,bjk->bik">(x, y), einsum_ref({"bij", "bjk"}, "bik", {rx, ry}), "bij,bjk->bik (batched)");
  expect_reduced(einsum<"bij->bji">(x), einsum_ref({"bij"}, "bji", {rx}), "bij->bji");
  expect_reduced(einsum<"bij->j">(x), einsum_ref({"bij"}, "j", {rx}), "bij->j");
  expect_reduced(einsum<"ij->">(a), einsum_ref({"ij"}, "", {ra}), "ij-> (sum)");
  expect_reduced(einsum<"ij,j->i">(a, v), einsum_ref({"ij", "j"}, "i", {ra, rv}), "ij,j->i (matrix-vector)");
  expect_reduced(einsum<"i,j->ij">(v, a.template select<0, 1>()),
                 einsum_ref({"i", "j"}, "ij", {rv, ref::Array{{4}, {ra.v.begin() + 4, ra.v.begin() + 8}}}), "i,j->ij (outer)");
  expect_reduced(einsum<"ij,jk,ki->">(a, b, c), einsum_ref({"ij", "jk", "ki"}, "", {ra, rb, rc}), "ij,jk,ki-> (trace of a product)");
  expect_reduced(einsum<"ij, jk, kl -> il">(a, b, c.template shrink<0, 5, 0, 2>()),
                 einsum_ref({"ij", "jk", "kl"}, "il", {ra, rb, ref::shrink(rc, {0, 0}, {5, 2})}), "ij, jk, kl -> il (spaces)");
  expect_reduced(einsum<"ij,ij->i">(s, s * 2), einsum_ref({"ij", "ij"}, "i", {rs, ref::map(rs, [](double e) { return 2 * e; })}),
                 "ij,ij->i (row dots)");
  expect_reduced(einsum<"Ab,bC->CA">(a, b), einsum_ref({"Ab", "bC"}, "CA", {ra, rb}), "upper-case letters");
}

}  // namespace

BOOST_AUTO_TEST_CASE(einsum_float32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(equations<float>); }
BOOST_AUTO_TEST_CASE(einsum_float64, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(equations<double>); }
