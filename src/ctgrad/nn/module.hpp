#pragma once
// Modules as Boost.Hana structs: a user's struct becomes a module with BOOST_HANA_ADAPT_STRUCT(Net, l1, l2); the
// built-in ones list their tensors with CTGRAD_NN_MODULE. Walking the members gives PyTorch's state-dict names
// ("l1.weight", "blocks.0.bn.running_mean"): tensors are leaves, nested structs recurse, std::array elements are
// numbered as nn.ModuleList's are. Members of other types (eps, momentum) are not state.
#include <array>
#include <string>
#include <type_traits>

#include <boost/hana/accessors.hpp>
#include <boost/hana/adapt_struct.hpp>
#include <boost/hana/concept/struct.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/string.hpp>
#include <boost/hana/tuple.hpp>

#include "ctgrad/nn/any_tensor.hpp"

namespace ctgrad::nn {

// The member a module without a bias has in its place: not a tensor, so it is no state.
struct NoBias {};

template <class M>
concept Module = boost::hana::Struct<std::remove_cvref_t<M>>::value;

namespace detail {
template <class T>
struct is_std_array : std::false_type {};
template <class T, std::size_t N>
struct is_std_array<std::array<T, N>> : std::true_type {};

template <auto Member>
struct member_ref {
  template <class S>
  constexpr auto& operator()(S& s) const { return s.*Member; }
};

// Calls f(name, tensor) for every tensor of the member `m` named `name`.
template <class M, class F>
void visit_member(M& m, const std::string& name, F& f);

template <class M, class F>
void visit_module(M& m, const std::string& prefix, F& f) {
  boost::hana::for_each(boost::hana::accessors<std::remove_const_t<M>>(), [&](auto field) {
    visit_member(boost::hana::second(field)(m), prefix + boost::hana::to<const char*>(boost::hana::first(field)), f);
  });
}

template <class M, class F>
void visit_member(M& m, const std::string& name, F& f) {
  using T = std::remove_const_t<M>;
  if constexpr (TensorLike<T>) {
    f(name, m);
  } else if constexpr (Module<T>) {
    visit_module(m, name + ".", f);
  } else if constexpr (is_std_array<T>::value) {
    for (std::size_t i = 0; i < m.size(); ++i) visit_member(m[i], name + "." + std::to_string(i), f);
  }
}
}  // namespace detail

// Calls f(name, tensor) for every tensor of the module, in declaration order, with its state-dict name.
template <Module M, class F>
void for_each_tensor(M& module, F&& f) {
  detail::visit_module(module, "", f);
}

}  // namespace ctgrad::nn

// Inside a built-in module's class: its state, in PyTorch's order, e.g. CTGRAD_NN_MODULE(Linear, weight, bias).
#define CTGRAD_NN_FIELD_(S, m) ::boost::hana::make_pair(BOOST_HANA_STRING(#m), ::ctgrad::nn::detail::member_ref<&S::m>{})
#define CTGRAD_NN_MODULE_1_(S, a) CTGRAD_NN_FIELD_(S, a)
#define CTGRAD_NN_MODULE_2_(S, a, b) CTGRAD_NN_FIELD_(S, a), CTGRAD_NN_FIELD_(S, b)
#define CTGRAD_NN_MODULE_3_(S, a, b, c) CTGRAD_NN_MODULE_2_(S, a, b), CTGRAD_NN_FIELD_(S, c)
#define CTGRAD_NN_MODULE_4_(S, a, b, c, d) CTGRAD_NN_MODULE_3_(S, a, b, c), CTGRAD_NN_FIELD_(S, d)
#define CTGRAD_NN_MODULE_5_(S, a, b, c, d, e) CTGRAD_NN_MODULE_4_(S, a, b, c, d), CTGRAD_NN_FIELD_(S, e)
#define CTGRAD_NN_PICK_(_1, _2, _3, _4, _5, NAME, ...) NAME
#define CTGRAD_NN_MODULE(S, ...)                                                                                                          \
  struct hana_accessors_impl {                                                                                                            \
    static constexpr auto apply() {                                                                                                       \
      return ::boost::hana::make_tuple(CTGRAD_NN_PICK_(__VA_ARGS__, CTGRAD_NN_MODULE_5_, CTGRAD_NN_MODULE_4_, CTGRAD_NN_MODULE_3_,         \
                                                       CTGRAD_NN_MODULE_2_, CTGRAD_NN_MODULE_1_)(S, __VA_ARGS__));                        \
    }                                                                                                                                     \
  }
