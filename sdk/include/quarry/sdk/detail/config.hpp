#pragma once
//! \file
//! Compiler switches shared by the SDK headers. Private: not part of the SDK API.

#if __cplusplus < 201703L && !(defined(_MSVC_LANG) && _MSVC_LANG >= 201703L)
#error "The Quarry C++ SDK helpers need C++17 or newer (plain C plugins can use quarry/plugin.h)"
#endif

#include "quarry/plugin.h"

//! Keeps SDK-internal globals private to the plugin's shared library, even when
//! the plugin is not built with -fvisibility=hidden. Without it, GCC would bind
//! inline variables with STB_GNU_UNIQUE across every plugin loaded in the host.
#if defined(_WIN32)
#define QUARRY_SDK_HIDDEN
#else
#define QUARRY_SDK_HIDDEN __attribute__((visibility("hidden")))
#endif
