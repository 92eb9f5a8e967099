#pragma once
// Compile-time error messages that name the call and show the shapes, as the first error line on every compiler.
//
// clang in C++26 mode (-std=c++2c, what ctgrad's build uses) prints a computed static_assert message (P2741):
//   error: static assertion failed: ctgrad::matmul: inner dims differ: (2,3) @ (4,5)
// In C++20 no compiler prints a computed text, but every compiler prints a type: a failed check names the undefined
// class ctgrad::shape_error, whose template arguments are the call, the rule and the shapes (docs/static.md):
//   clang: error: implicit instantiation of undefined template 'ctgrad::shape_error<text<15>{"ctgrad::matmul"},
//            text<18>{"inner dims differ"}, ctgrad::dims<2, 3>, ctgrad::dims<4, 5>>'
//   gcc:   error: invalid use of incomplete type 'using type = struct ctgrad::shape_error<...the same...>' {aka ...}
// Call sites write the check once for both: CTGRAD_STATIC_CHECK(cond, "fixed text", Message expression). The
// Message is the computed text; it also records each shape streamed into it, and the C++20 type is built from it:
// the call is the text before the first ": ", the rule is the fixed text after its first ": ".
#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctgrad {

// A shape as a type, so that it shows in a C++20 diagnostic: ctgrad::dims<2, 3>.
template <std::size_t... D>
struct dims {};

// A string as a template argument, so that it shows in a C++20 diagnostic: ctgrad::text<15>{"ctgrad::matmul"}.
// (clang prints at most 36 characters of it, then "[...]".)
template <std::size_t N>
struct text {
  char value[N]{};
  constexpr text() = default;
  constexpr text(const char (&s)[N]) {
    for (std::size_t i = 0; i < N; ++i) value[i] = s[i];
  }
  constexpr std::size_t size() const { return N - 1; }
};

// Declared, never defined: a failed check in C++20 names it, and the compiler's error prints its arguments.
template <text Call, text Rule, class... Shapes>
struct shape_error;

}  // namespace ctgrad

namespace ctgrad::detail {

// A constexpr string with the data()/size() interface P2741 asks for, plus the shapes streamed into it.
struct Message {
  static constexpr std::size_t kMaxShapes = 8, kMaxShapeLength = 16;
  char text[256]{};
  std::size_t length = 0;
  std::size_t shapes[kMaxShapes][kMaxShapeLength]{};
  std::size_t shape_lengths[kMaxShapes]{};
  std::size_t shape_count = 0;
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
    if (shape_count < kMaxShapes && N <= kMaxShapeLength) {  // a longer one is only in the text
      for (std::size_t i = 0; i < N; ++i) shapes[shape_count][i] = shape[i];
      shape_lengths[shape_count++] = N;
    }
    *this << "(";
    for (std::size_t i = 0; i < N; ++i) {
      if (i) *this << ",";
      *this << shape[i];
    }
    return *this << ")";
  }
};

// Where the first ": " starts in s[0, n), or n: "ctgrad::matmul: inner dims differ" splits after "ctgrad::matmul".
constexpr std::size_t call_end(const char* s, std::size_t n) {
  for (std::size_t i = 0; i + 1 < n; ++i)
    if (s[i] == ':' && s[i + 1] == ' ') return i;
  return n;
}
template <std::size_t N>
constexpr auto text_of(const char* s) {
  ctgrad::text<N + 1> t;
  for (std::size_t i = 0; i <= N; ++i) t.value[i] = i < N ? s[i] : '\0';  // every char set, or clang prints numbers
  return t;
}
// The call: the computed text up to its first ": ".
template <Message M>
constexpr auto call_of() {
  return text_of<call_end(M.text, M.length)>(M.text);
}
// The rule: the fixed text after its first ": " (the whole text when it has none).
template <ctgrad::text Fixed>
constexpr auto rule_of() {
  constexpr std::size_t end = call_end(Fixed.value, Fixed.size());
  constexpr std::size_t start = end == Fixed.size() ? 0 : end + 2;
  return text_of<Fixed.size() - start>(Fixed.value + start);
}
template <Message M, std::size_t I, std::size_t... K>
auto dims_at(std::index_sequence<K...>) -> ctgrad::dims<M.shapes[I][K]...>;
template <ctgrad::text Fixed, Message M, std::size_t... I>
auto shape_error_at(std::index_sequence<I...>)
    -> ctgrad::shape_error<call_of<M>(), rule_of<Fixed>(), decltype(dims_at<M, I>(std::make_index_sequence<M.shape_lengths[I]>{}))...>;
// The C++20 error type of a failed check: ctgrad::shape_error<call, rule, dims<...>...>, an incomplete class. It
// depends on Ok, so that it is formed only when the check fails, never where the template is defined.
template <bool Ok, ctgrad::text Fixed, Message M>
struct check_failure {
  using type = int;
};
template <ctgrad::text Fixed, Message M>
struct check_failure<false, Fixed, M> {
  using type = decltype(shape_error_at<Fixed, M>(std::make_index_sequence<M.shape_count>{}));
};

}  // namespace ctgrad::detail

// One check per public entry: `fixed` is a string literal naming the call and the rule, the rest a Message
// expression that adds the shapes (evaluated only when the check fails). The failing branch returns a type that is an
// error (a class whose static_assert failed, or an incomplete class): the compiler drops the failing call, so the
// message is the only error, even where the caller goes on to use the result.
// CTGRAD_CLASS_CHECK is the same check at class scope (there the C++20 Message is evaluated on every instantiation).
#if defined(__cpp_static_assert) && __cpp_static_assert >= 202306L
namespace ctgrad::detail {
template <bool Ok, Message M>
struct failed_check {
  static_assert(Ok, M);
  using type = void;
};
}  // namespace ctgrad::detail
#define CTGRAD_STATIC_CHECK(cond, fixed, ...) \
  if constexpr (!(cond)) return typename ::ctgrad::detail::failed_check<(cond), (__VA_ARGS__)>::type{}; else static_cast<void>(0)
#define CTGRAD_CLASS_CHECK(cond, fixed, ...) static_assert(cond, __VA_ARGS__)
#else
#define CTGRAD_STATIC_CHECK(cond, fixed, ...) \
  if constexpr (!(cond)) return typename ::ctgrad::detail::check_failure<(cond), fixed, (__VA_ARGS__)>::type{}; else static_cast<void>(0)
#if defined(__clang__)
namespace ctgrad::detail {
template <class Failure>
inline constexpr bool check_passed = std::is_same_v<Failure, int>;
}  // namespace ctgrad::detail
#define CTGRAD_CLASS_CHECK(cond, fixed, ...) \
  static_assert(::ctgrad::detail::check_passed<typename ::ctgrad::detail::check_failure<(cond), fixed, (__VA_ARGS__)>::type>, "ctgrad: a check failed")
#else
#define CTGRAD_CLASS_CHECK(cond, fixed, ...) \
  static_assert(sizeof(typename ::ctgrad::detail::check_failure<(cond), fixed, (__VA_ARGS__)>::type) > 0)
#endif
#endif
