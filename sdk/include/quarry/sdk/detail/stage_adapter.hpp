#pragma once
//! \file
//! The C entry points generated for a C++ stage class (see quarry/sdk/stage.hpp).
//! Private.

#include <cstdint>
#include <type_traits>
#include <utility>

#include "quarry/sdk/args.hpp"
#include "quarry/sdk/call.hpp"
#include "quarry/sdk/chunk_builder.hpp"
#include "quarry/sdk/chunk_view.hpp"
#include "quarry/sdk/detail/guard.hpp"
#include "quarry/sdk/result.hpp"
#include "quarry/sdk/stage_mode.hpp"

namespace quarry::sdk {

namespace detail {

template <class T, class = void>
struct has_mode : std::false_type {};
template <class T>
struct has_mode<T, std::enable_if_t<std::is_same_v<std::decay_t<decltype(T::mode)>, StageMode>>>
    : std::true_type {};

template <class T, class = void>
struct has_consume : std::false_type {};
template <class T>
struct has_consume<T, std::void_t<decltype(std::declval<T&>().consume(
                          std::declval<Call&>(), std::declval<const ChunkView&>()))>>
    : std::true_type {};

template <class T, class = void>
struct has_transform : std::false_type {};
template <class T>
struct has_transform<T, std::enable_if_t<std::is_convertible_v<
                            decltype(std::declval<T&>().transform(
                                std::declval<Call&>(), std::declval<const ChunkView&>())),
                            OwnedChunk>>> : std::true_type {};

template <class T, class = void>
struct has_merge : std::false_type {};
template <class T>
struct has_merge<
    T, std::void_t<decltype(std::declval<T&>().merge(std::declval<T&>(), std::declval<Call&>()))>>
    : std::true_type {};

template <class T, class = void>
struct has_finish : std::false_type {};
template <class T>
struct has_finish<T, std::void_t<decltype(std::declval<T&>().finish(std::declval<Call&>()))>>
    : std::true_type {};

template <class T, class = void>
struct first_pass_of {
  using type = void;
};
template <class T>
struct first_pass_of<T, std::void_t<typename T::FirstPass>> {
  using type = typename T::FirstPass;
};

//! The C entry points of stage class T, and the quarry_stage_v1 table.
template <class T>
struct StageAdapter {
  //! T::FirstPass, or void for a one-pass stage.
  using FirstPass = typename first_pass_of<T>::type;
  static constexpr bool two_pass = !std::is_void_v<FirstPass>;
  static_assert(has_mode<T>::value,
                "a stage class needs `static constexpr quarry::sdk::StageMode mode = ...;`");
  static_assert(has_consume<T>::value || has_transform<T>::value,
                "a stage class needs consume(Call&, const ChunkView&) and/or "
                "transform(Call&, const ChunkView&) -> OwnedChunk");
  static_assert(T::mode != StageMode::mergeable || has_merge<T>::value,
                "a StageMode::mergeable stage class needs merge(T& other, Call&)");

  static T* construct_second_pass(Call& call, const Args& args, const SchemaView& input,
                                  const void* first_pass) {
    if constexpr (two_pass) {
      static_assert(!has_transform<FirstPass>::value,
                    "a FirstPass stage only reads: it must not have transform()");
      static_assert(
          FirstPass::mode == StageMode::mergeable || FirstPass::mode == StageMode::ordered,
          "a FirstPass stage must be StageMode::mergeable or StageMode::ordered");
      static_assert(
          std::is_constructible_v<T, Call&, const Args&, const SchemaView&, const FirstPass&>,
          "a stage with a FirstPass needs a constructor taking (Call&, const Args&, "
          "const SchemaView&, const FirstPass&)");
      if (first_pass == nullptr)
        throw Error::invalid_argument("second pass opened without a first");
      return new T(call, args, input, *static_cast<const FirstPass*>(first_pass));
    } else {
      throw Error(QUARRY_UNSUPPORTED, "this stage has no first pass");
    }
  }

  static T* construct(Call& call, const Args& args, const SchemaView& input) {
    if constexpr (two_pass) {
      (void)call, (void)args, (void)input;
      throw Error(QUARRY_UNSUPPORTED,
                  "this stage needs its first pass: the host opens it with open_second_pass");
    } else if constexpr (std::is_constructible_v<T, Call&, const Args&, const SchemaView&>) {
      return new T(call, args, input);
    } else if constexpr (std::is_constructible_v<T, const Args&, const SchemaView&>) {
      return new T(args, input);
    } else if constexpr (std::is_constructible_v<T, const Args&>) {
      return new T(args);
    } else {
      static_assert(std::is_default_constructible_v<T>,
                    "a stage class needs a constructor taking (Call&, const Args&, const "
                    "SchemaView&), (const Args&, const SchemaView&), (const Args&) or nothing");
      return new T();
    }
  }

  static quarry_status open(void*, const quarry_call_v1* raw, const char* args_json,
                            std::uint64_t args_size, const ArrowSchema* input,
                            void** state) noexcept {
    return guard(raw, [&]() -> quarry_status {
      if (state == nullptr) throw Error::invalid_argument("stage open: `state` is NULL");
      *state = nullptr;
      Call call(raw);
      const Args args = Args::parse(args_json, args_size);
      const SchemaView schema(input);
      *state = construct(call, args, schema);
      return QUARRY_OK;
    });
  }

  static quarry_status open_second_pass(void*, const quarry_call_v1* raw, const char* args_json,
                                        std::uint64_t args_size, const ArrowSchema* input,
                                        const void* first_pass, void** state) noexcept {
    return guard(raw, [&]() -> quarry_status {
      if (state == nullptr) throw Error::invalid_argument("stage open: `state` is NULL");
      *state = nullptr;
      Call call(raw);
      const Args args = Args::parse(args_json, args_size);
      const SchemaView schema(input);
      *state = construct_second_pass(call, args, schema, first_pass);
      return QUARRY_OK;
    });
  }

  static quarry_status consume(void* state, const quarry_call_v1* raw, const ArrowArray* chunk,
                               const ArrowSchema* schema) noexcept {
    return guard(raw, [&]() -> quarry_status {
      if constexpr (has_consume<T>::value) {
        Call call(raw);
        const ChunkView view(chunk, schema);
        static_cast<T*>(state)->consume(call, view);
      }
      return QUARRY_OK;
    });
  }

  static quarry_status transform(void* state, const quarry_call_v1* raw, const ArrowArray* chunk,
                                 const ArrowSchema* schema, ArrowArray* out_chunk,
                                 ArrowSchema* out_schema) noexcept {
    return guard(raw, [&]() -> quarry_status {
      if constexpr (has_transform<T>::value) {
        if (out_chunk == nullptr || out_schema == nullptr) {
          throw Error::invalid_argument("stage transform: output pointers are NULL");
        }
        Call call(raw);
        const ChunkView view(chunk, schema);
        OwnedChunk out = static_cast<T*>(state)->transform(call, view);
        if (out.empty()) {
          throw Error("transform returned no chunk; return one with zero rows instead");
        }
        out.export_to(out_chunk, out_schema);
        return QUARRY_OK;
      } else {
        return QUARRY_UNSUPPORTED;
      }
    });
  }

  static quarry_status merge(void* state, void* other, const quarry_call_v1* raw) noexcept {
    return guard(raw, [&]() -> quarry_status {
      if constexpr (has_merge<T>::value) {
        Call call(raw);
        static_cast<T*>(state)->merge(*static_cast<T*>(other), call);
        return QUARRY_OK;
      } else {
        return QUARRY_UNSUPPORTED;
      }
    });
  }

  static quarry_status finish(void* state, const quarry_call_v1* raw) noexcept {
    return guard(raw, [&]() -> quarry_status {
      if constexpr (has_finish<T>::value) {
        Call call(raw);
        using R = decltype(static_cast<T*>(state)->finish(call));
        if constexpr (std::is_void_v<R>) {
          static_cast<T*>(state)->finish(call);
          return QUARRY_OK;
        } else {
          return deliver(raw, static_cast<T*>(state)->finish(call));
        }
      } else {
        return QUARRY_OK;
      }
    });
  }

  static void close(void* state) noexcept {
    try {
      delete static_cast<T*>(state);
    } catch (...) {  // a throwing destructor must not cross the boundary
    }
  }

  static constexpr const quarry_stage_v1* first_pass_table() {
    if constexpr (two_pass) {
      return &StageAdapter<FirstPass>::table;
    } else {
      return nullptr;
    }
  }

  static constexpr quarry_stage_v1 table = {
      static_cast<std::uint32_t>(sizeof(quarry_stage_v1)),
      static_cast<quarry_stage_mode>(T::mode),
      &StageAdapter::open,
      &StageAdapter::consume,
      has_transform<T>::value ? &StageAdapter::transform : nullptr,
      has_merge<T>::value ? &StageAdapter::merge : nullptr,
      &StageAdapter::finish,
      &StageAdapter::close,
      first_pass_table(),
      two_pass ? &StageAdapter::open_second_pass : nullptr,
  };
};

}  // namespace detail

}  // namespace quarry::sdk
