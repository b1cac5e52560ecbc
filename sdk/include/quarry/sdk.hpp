#pragma once
//! \file
//! The Quarry plugin SDK's C++ helpers (C++17 or newer), header-only. Include
//! this one header; see quarry/sdk/plugin.hpp for a complete example plugin and
//! quarry/sdk/stage.hpp for streaming stages. The C ABI itself is
//! quarry/plugin.h; plain C plugins use it directly.

#include "quarry/plugin.h"
#include "quarry/sdk/args.hpp"
#include "quarry/sdk/call.hpp"
#include "quarry/sdk/chunk_builder.hpp"
#include "quarry/sdk/chunk_view.hpp"
#include "quarry/sdk/column_type.hpp"
#include "quarry/sdk/error.hpp"
#include "quarry/sdk/huge_pages.hpp"
#include "quarry/sdk/iso8601.hpp"
#include "quarry/sdk/plugin.hpp"
#include "quarry/sdk/result.hpp"
#include "quarry/sdk/stage.hpp"
#include "quarry/sdk/stage_mode.hpp"
#include "quarry/sdk/text_table.hpp"
