// Precompiled once per compiler and standard for the compile-fail snippets (meson.build).
#include "ctgrad/ctgrad.hpp"
