#pragma once
// Included first by the headers that define libctgrad's entry points: outside the library's own build they are
// usable only header-only, where every definition is inline (a second, non-inline copy would clash with the library's).
#if !defined(CTGRAD_HEADER_ONLY) && !defined(CTGRAD_BUILDING_LIBRARY)
#error "ctgrad: this header is libctgrad's implementation: include <ctgrad/ctgrad.hpp> and link libctgrad, or define CTGRAD_HEADER_ONLY"
#endif
