#pragma once
//! \file
//! HugePageAllocator: for a plugin's large in-memory tables and value buffers (a row-hash
//! table probed at random, the values kept for exact quantiles).
//!
//! Allocations of 2 MiB or more are 2 MiB-aligned and marked MADV_HUGEPAGE, so that on
//! Linux with transparent huge pages in "madvise" mode (Debian's default) filling a buffer
//! of hundreds of MB takes one page fault per 2 MiB instead of one per 4 KiB (on virtual
//! machines a fault costs microseconds), and random probes miss the TLB far less. Elsewhere, or
//! when the kernel declines, it is plain memory.

#include <cstddef>
#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace quarry::sdk {

//! A std::allocator replacement asking for transparent huge pages for large blocks.
template <class T>
struct HugePageAllocator {
  using value_type = T;

  HugePageAllocator() = default;
  template <class U>
  explicit HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

  //! Bytes an allocation of `bytes` occupies once touched: whole huge pages from 2 MiB on
  //! (count this, not the size asked for, against a memory budget).
  [[nodiscard]] static constexpr std::size_t footprint(std::size_t bytes) noexcept {
    return bytes < kHugePage ? bytes : (bytes + kHugePage - 1) / kHugePage * kHugePage;
  }

  //! `n` objects' worth of uninitialised memory.
  [[nodiscard]] T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHugePage) return static_cast<T*>(::operator new(bytes));
    const std::size_t rounded = footprint(bytes);
    void* p = std::aligned_alloc(kHugePage, rounded);
    if (p == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    ::madvise(p, rounded, MADV_HUGEPAGE);  // advice only: failure leaves normal pages
#endif
    return static_cast<T*>(p);
  }

  //! Frees what allocate(n) returned.
  void deallocate(T* p, std::size_t n) noexcept {
    if (n * sizeof(T) < kHugePage) {
      ::operator delete(p);
    } else {
      std::free(p);
    }
  }

  friend bool operator==(const HugePageAllocator&, const HugePageAllocator&) noexcept {
    return true;
  }

 private:
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;
};

}  // namespace quarry::sdk
