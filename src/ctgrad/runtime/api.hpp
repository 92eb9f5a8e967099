#pragma once
// CTGRAD_API marks the dynamic core's functions that libctgrad defines once: a program's translation units see only
// their declarations. With CTGRAD_HEADER_ONLY they are inline and their definitions follow in every unit instead.
#ifdef CTGRAD_HEADER_ONLY
#define CTGRAD_API inline
#else
#define CTGRAD_API
#endif
