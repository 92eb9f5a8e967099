// The view algebra's worked examples (tinygrad's checked cases, VIEW-ALGEBRA-NOTES.md §2) and round-trip laws,
// checked twice: as static_asserts (the compiler folds them) and at run time (the same functions, not constant-folded).
#define BOOST_TEST_MODULE view_static
#include <boost/test/unit_test.hpp>
#include <stdexcept>
#include <type_traits>

#include "ctgrad/view.hpp"

namespace {

using namespace ctgrad;
using Axes = std::array<bool, kMaxRank>;

constexpr ViewStack fresh(std::uint8_t rank, const Dims& shape) { return stack_of(contiguous(rank, shape)); }

constexpr Dims inverse(const Dims& order, int rank) {
  Dims inv{};
  for (int i = 0; i < rank; ++i) inv[order[i]] = i;
  return inv;
}

// ---- tinygrad's checked examples -------------------------------------------------------------------------------

// (3,4) pad ((1,1),(0,2)) -> (5,6), offset -4, mask [1,4)x[0,4); then shrink ((0,3),(1,6)) -> (3,5), offset -3.
constexpr ViewStack kPadded = pad(fresh(2, {3, 4}), {1, 0}, {1, 2});
static_assert(kPadded.depth == 1 && kPadded.top() == View{2, {5, 6}, {4, 1}, {1, 0}, {4, 4}, -4});
constexpr ViewStack kPaddedShrunk = shrink(kPadded, {0, 1}, {3, 6});
static_assert(kPaddedShrunk.top() == View{2, {3, 5}, {4, 1}, {1, 0}, {3, 3}, -3});
static_assert(locate(kPadded, {0, 0}) == Location{false, 0} && locate(kPadded, {1, 0}) == Location{true, 0});
static_assert(locate(kPadded, {3, 3}) == Location{true, 11} && locate(kPadded, {2, 4}) == Location{false, 0});

// flip of (3,4) on axis 1 -> strides (4,-1), offset 3.
static_assert(flip(contiguous(2, {3, 4}), Axes{false, true}) == View{2, {3, 4}, {4, -1}, {0, 0}, {3, 4}, 3});

// (2,3,4) permute (1,0,2) reshape (6,4): two views; element (3,1) is buffer index 4*1 + 12*1 + 1 = 17.
constexpr ViewStack kPermReshaped = reshape(permute(fresh(3, {2, 3, 4}), {1, 0, 2}), 2, {6, 4});
static_assert(kPermReshaped.depth == 2);
static_assert(kPermReshaped.views[0] == View{3, {3, 2, 4}, {4, 12, 1}, {0, 0, 0}, {3, 2, 4}, 0});
static_assert(kPermReshaped.views[1] == contiguous(2, {6, 4}));
static_assert(locate(kPermReshaped, {3, 1}) == Location{true, 17});
// ... which CuTe also cannot fit in one flat layout: the merge fails.
static_assert(!merge(kPermReshaped.views[0], kPermReshaped.views[1]).ok);

// (2,3) pad ((0,0),(1,1)) reshape (10,): [(2,5):(3,1) offset -1 mask [0,2)x[1,4), (10,) contiguous].
constexpr ViewStack kPadFlat = reshape(pad(fresh(2, {2, 3}), {0, 1}, {0, 1}), 1, {10});
static_assert(kPadFlat.depth == 2 && kPadFlat.views[0] == View{2, {2, 5}, {3, 1}, {0, 1}, {2, 4}, -1});
static_assert(kPadFlat.views[1] == contiguous(1, {10}));
static_assert(locate(kPadFlat, {0}) == Location{false, 0} && locate(kPadFlat, {6}) == Location{true, 3});

// (1,4) expand (3,4): reshape (12,) needs a second view; reshape (3,2,2) gives strides (0,2,1).
constexpr ViewStack kExpanded = expand(fresh(2, {1, 4}), {3, 4});
static_assert(kExpanded.top() == View{2, {3, 4}, {0, 1}, {0, 0}, {3, 4}, 0});
static_assert(!reshape(kExpanded.top(), 1, {12}).ok && reshape(kExpanded, 1, {12}).depth == 2);
static_assert(reshape(kExpanded, 3, {3, 2, 2}).top() == View{3, {3, 2, 2}, {0, 2, 1}, {0, 0, 0}, {3, 2, 2}, 0});

// (4,) pad (4,0) reshape (2,4) -> (2,4):(0,1) mask [1,2)x[0,4); pad (2,2) reshape (2,4) fails ([2,6) crosses a row).
static_assert(reshape(pad(fresh(1, {4}), {4}, {0}), 2, {2, 4}).top() == View{2, {2, 4}, {0, 1}, {1, 0}, {2, 4}, 0});
static_assert(!reshape(pad(contiguous(1, {4}), {2}, {2}), 2, {2, 4}).ok);

// Strides that chain do not make a mask mergeable: (3,4):(4,1) masked [0,3)x[1,3) cannot be flattened.
constexpr ViewStack kChainedButMasked = pad(shrink(fresh(2, {3, 4}), {0, 0}, {3, 2}), {0, 1}, {0, 1});
static_assert(kChainedButMasked.top() == View{2, {3, 4}, {4, 1}, {0, 1}, {3, 3}, -1});
static_assert(!reshape(kChainedButMasked.top(), 1, {12}).ok);

// A split that does not divide the valid run: (2,3) masked [1,2)x[0,2) holds flat {3,4}, no box in (3,2).
static_assert(!reshape(pad(contiguous(2, {1, 2}), {1, 0}, {0, 1}), 2, {3, 2}).ok);

// A broadcast dim over a dim masked to one index: (3,2,2) -> (3,4) keeps the broadcast dim's stride 0.
constexpr ViewStack kBroadcastOverPad = expand(pad(fresh(3, {1, 1, 2}), {0, 1, 0}, {0, 0, 0}), {3, 2, 2});
static_assert(kBroadcastOverPad.top() == View{3, {3, 2, 2}, {0, 0, 1}, {0, 1, 0}, {3, 2, 2}, 0});
static_assert(reshape(kBroadcastOverPad, 2, {3, 4}).top() == View{2, {3, 4}, {0, 1}, {0, 2}, {3, 4}, -2});

// (3,1) expand (3,5) -> strides (1,0).
static_assert(expand(contiguous(2, {3, 1}), {3, 5}) == View{2, {3, 5}, {1, 0}, {0, 0}, {3, 5}, 0});

// Merge: a transposed 4x6 buffer (6,4):(1,6) under (3,4):(8,1) offset 4 is one view (3,4):(2,6) offset 1.
constexpr MaybeView kMerged = merge(permute(contiguous(2, {4, 6}), {1, 0}), View{2, {3, 4}, {8, 1}, {0, 0}, {3, 4}, 4});
static_assert(kMerged.ok && kMerged.view == View{2, {3, 4}, {2, 6}, {0, 0}, {3, 4}, 1});

// Merge projects lower's mask onto upper: lower = (9,) padded by 3 in front, upper reads every 2nd element (forward,
// then backward from the end). Only upper indices landing on real data stay valid.
constexpr View kPaddedNine = pad(contiguous(1, {9}), {3}, {0});
static_assert(merge(kPaddedNine, View{1, {6}, {2}, {0}, {6}, 0}).view == View{1, {6}, {2}, {2}, {6}, -3});
static_assert(merge(kPaddedNine, View{1, {6}, {-2}, {0}, {6}, 10}).view == View{1, {6}, {-2}, {0}, {4}, 7});
static_assert(merge(kPaddedNine, View{1, {2}, {1}, {0}, {2}, 0}).view == View{1, {2}, {0}, {0}, {0}, 0});  // all padding

// ---- canonical forms --------------------------------------------------------------------------------------------

// A mask admitting one row: stride 0, offset moved to that row.
static_assert(canonicalize(View{2, {3, 4}, {4, 1}, {1, 0}, {2, 4}, 0}) == View{2, {3, 4}, {0, 1}, {1, 0}, {2, 4}, 4});
// Size-1 dims have stride 0; a zero-size view is contiguous with zero strides; junk in unused slots is cleared.
static_assert(contiguous(3, {2, 1, 3}) == View{3, {2, 1, 3}, {3, 0, 1}, {0, 0, 0}, {2, 1, 3}, 0});
static_assert(contiguous(2, {0, 3}) == View{2, {0, 3}, {0, 0}, {0, 0}, {0, 3}, 0} && contiguous(2, {0, 3}).contiguous());
static_assert(canonicalize(View{1, {4, 9}, {1, 9}, {0, 9}, {4, 9}, 0}) == contiguous(1, {4}));
// Shrinking into pure padding, (4,) pad (2,0) shrink (0,2), gives the unique all-invalid view.
static_assert(shrink(pad(contiguous(1, {4}), {2}, {0}), {0}, {2}) == View{1, {2}, {0}, {0}, {0}, 0});
static_assert(expand(View{2, {1, 3}, {0, 0}, {0, 0}, {0, 0}, 0}, {5, 3}) == View{2, {5, 3}, {0, 0}, {0, 0}, {0, 0}, 0});
// The stack's public face: rank and shape of the top view; the std::size_t form of contiguous.
static_assert(kPermReshaped.rank() == 2 && kPermReshaped.shape() == Dims{6, 4});
static_assert(contiguous(std::array<std::size_t, 3>{2, 3, 4}) == contiguous(3, {2, 3, 4}));

// Views and stacks are structural: usable as template arguments, equal values being the same type.
template <ViewStack S>
struct TensorOf {};
static_assert(std::is_same_v<TensorOf<kPermReshaped>, TensorOf<reshape(permute(fresh(3, {2, 3, 4}), {1, 0, 2}), 2, {6, 4})>>);
static_assert(!std::is_same_v<TensorOf<kPermReshaped>, TensorOf<kPadFlat>>);

// ---- round-trip laws on a handful of views ----------------------------------------------------------------------

constexpr std::array<ViewStack, 7> kSamples{
    fresh(3, {2, 3, 4}),
    permute(fresh(3, {2, 3, 4}), {2, 0, 1}),
    pad(flip(fresh(3, {2, 3, 4}), {true, false, true}), {1, 0, 2}, {0, 2, 1}),
    shrink(pad(fresh(3, {2, 3, 4}), {1, 1, 1}, {1, 1, 1}), {0, 1, 2}, {3, 4, 5}),
    expand(reshape(fresh(2, {3, 4}), 3, {3, 1, 4}), {3, 5, 4}),
    kPermReshaped,
    reshape(pad(fresh(2, {2, 3}), {0, 1}, {0, 1}), 3, {2, 5, 1}),
};

// flip∘flip, permute∘inverse and shrink∘pad are exact identities on every view.
constexpr bool single_view_laws_hold(const View& v) {
  const Dims rotate{v.rank > 1 ? 1 : 0, 2, 3, 4, 5, 6, 7, 0};
  Dims order{}, before{}, after{}, end{};
  for (int d = 0; d < v.rank; ++d) {
    order[d] = (rotate[d] % v.rank + v.rank) % v.rank;
    before[d] = d % 3;
    after[d] = 2 - d % 3;
    end[d] = before[d] + v.shape[d];
  }
  const Axes odd{false, true, false, true, false, true, false, true}, all{true, true, true, true, true, true, true, true};
  return flip(flip(v, odd), odd) == v && flip(flip(v, all), all) == v && permute(permute(v, order), inverse(order, v.rank)) == v &&
         shrink(pad(v, before, after), before, end) == v;
}

// Flattening and restoring the shape gives the same stack back (a pushed view merges away again).
constexpr bool reshape_round_trip_holds(const ViewStack& s) { return reshape(reshape(s, 1, {s.top().numel()}), s.rank(), s.shape()) == s; }

constexpr bool laws_hold_on_samples() {
  for (const ViewStack& s : kSamples) {
    for (int k = 0; k < s.depth; ++k)
      if (!single_view_laws_hold(s.views[k])) return false;
    if (!reshape_round_trip_holds(s)) return false;
    if (merge(contiguous(s.top().rank, s.shape()), s.top()).view != s.top()) return false;
  }
  return true;
}
static_assert(laws_hold_on_samples());

}  // namespace

// ---- the same checks at run time ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(worked_examples_at_run_time) {
  // Values come through a volatile so the compiler cannot fold these calls.
  volatile std::int64_t three = 3;
  const ViewStack padded = pad(fresh(2, {three, 4}), {1, 0}, {1, 2});
  BOOST_TEST((padded.top() == kPadded.top()));
  BOOST_TEST((shrink(padded, {0, 1}, {3, 6}).top() == kPaddedShrunk.top()));
  const ViewStack two = reshape(permute(fresh(3, {2, three, 4}), {1, 0, 2}), 2, {6, 4});
  BOOST_TEST((two == kPermReshaped));
  BOOST_TEST(locate(two, {3, 1}).offset == 17);
  BOOST_TEST((reshape(pad(fresh(2, {2, three}), {0, 1}, {0, 1}), 1, {10}) == kPadFlat));
  BOOST_TEST((merge(permute(contiguous(2, {4, 6}), {1, 0}), View{2, {three, 4}, {8, 1}, {0, 0}, {three, 4}, 4}).view == kMerged.view));
}

BOOST_AUTO_TEST_CASE(round_trip_laws_at_run_time) {
  for (const ViewStack& s : kSamples) {
    for (int k = 0; k < s.depth; ++k) BOOST_TEST(single_view_laws_hold(s.views[k]));
    BOOST_TEST(reshape_round_trip_holds(s));
  }
}

BOOST_AUTO_TEST_CASE(violated_preconditions_throw) {
  const View v = contiguous(2, {3, 4});
  BOOST_CHECK_THROW(permute(v, {0, 0}), std::logic_error);
  BOOST_CHECK_THROW(expand(v, {3, 5}), std::logic_error);
  BOOST_CHECK_THROW(pad(v, {-1, 0}, {0, 0}), std::logic_error);
  BOOST_CHECK_THROW(shrink(v, {0, 2}, {3, 5}), std::logic_error);
  BOOST_CHECK_THROW(reshape(v, 1, {11}), std::logic_error);
  BOOST_CHECK_THROW(locate(stack_of(v), {3, 0}), std::logic_error);
  BOOST_CHECK_THROW(ViewStack{}.top(), std::logic_error);
}

BOOST_AUTO_TEST_CASE(a_full_stack_refuses_another_view) {
  // Transpose then flatten, repeatedly: each flatten needs a view of its own.
  ViewStack s = fresh(2, {2, 3});
  for (int i = 0; i < 3; ++i) s = reshape(permute(reshape(s, 2, {2, 3}), {1, 0}), 1, {6});
  BOOST_TEST(s.depth == kMaxViews);
  BOOST_CHECK_THROW(reshape(permute(reshape(s, 2, {2, 3}), {1, 0}), 1, {6}), std::logic_error);
}
