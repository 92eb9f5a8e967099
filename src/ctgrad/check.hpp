#pragma once
// Compile-time error messages that name the call and show the shapes.
//
// With clang in C++26 mode (what ctgrad's build uses) a static_assert prints a computed message (P2741), e.g.
//   error: static assertion failed due to requirement '...': ctgrad::matmul: inner dims differ: (2,3) @ (4,5)
// Other C++20 compilers get the same check with the fixed part of the message; their "required from" lines show the
// shapes as template arguments.
#include <array>
#include <cstddef>

namespace ctgrad::detail {

// A constexpr string with the data()/size() interface P2741 asks for.
struct Message {
  char text[256]{};
  std::size_t length = 0;
  constexpr const char* data() const { return text; }
  constexpr std::size_t size() const { return length; }

  constexpr Message& operator<<(const char* s) {
    while (*s && length + 1 < sizeof text) text[length++] = *s++;
    return *this;
  }
  constexpr Message& operator<<(std::size_t v) {
    char digits[24]{};
    int k = 0;
    do {
      digits[k++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (k > 0 && length + 1 < sizeof text) text[length++] = digits[--k];
    return *this;
  }
  template <std::size_t N>
  constexpr Message& operator<<(const std::array<std::size_t, N>& shape) {
    *this << "(";
    for (std::size_t i = 0; i < N; ++i) {
      if (i) *this << ",";
      *this << shape[i];
    }
    return *this << ")";
  }
};

}  // namespace ctgrad::detail

// One static_assert per public entry: `fixed` is a string literal naming the call and the rule, the rest a Message
// expression that adds the shapes (evaluated only when the check fails). The assertion fires inside a class template
// and the failing branch returns that class's ::type: the class is invalid, so clang drops the failing call silently
// and the message is the only error, even where the caller goes on to use the result.
// CTGRAD_CLASS_CHECK is the same check at class scope.
#if defined(__cpp_static_assert) && __cpp_static_assert >= 202306L
namespace ctgrad::detail {
template <bool Ok, Message M>
struct failed_check {
  static_assert(Ok, M);
  using type = void;
};
}  // namespace ctgrad::detail
#define CTGRAD_STATIC_CHECK(cond, fixed, ...) \
  if constexpr (!(cond)) return typename ::ctgrad::detail::failed_check<(cond), (__VA_ARGS__)>::type{}; else
#define CTGRAD_CLASS_CHECK(cond, fixed, ...) static_assert(cond, __VA_ARGS__)
#else
#define CTGRAD_STATIC_CHECK(cond, fixed, ...) static_assert(cond, fixed)
#define CTGRAD_CLASS_CHECK(cond, fixed, ...) static_assert(cond, fixed)
#endif
