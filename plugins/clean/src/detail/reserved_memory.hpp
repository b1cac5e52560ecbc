#pragma once
//! \file
//! ReservedMemory: zero-filled memory that grows without moving, for tables that double.
//!
//! A range of address space is reserved up front (inaccessible, so it costs neither memory
//! nor commit charge) and its first bytes are made usable as the table grows. Growing keeps
//! what was written and the kernel supplies the new bytes already zero: no copy, no second
//! table alive during the growth, and half the fresh memory of allocating each doubling anew
//! (on virtual machines every fresh page costs a fault and its zeroing). Ranges of 2 MiB and
//! more are marked for transparent huge pages, as sdk::HugePageAllocator does.

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

namespace quarry::clean {

//! Address space reserved for growth, of which the first usable() bytes may be used.
class ReservedMemory {
 public:
  //! Nothing reserved.
  ReservedMemory() = default;
  //! Reserves `max_bytes` (rounded up to 2 MiB) of address space, none of it usable yet.
  //! Throws std::bad_alloc when the address space is not available.
  explicit ReservedMemory(std::size_t max_bytes) {
    const std::size_t size = round_up(max_bytes == 0 ? 1 : max_bytes, kHugePage);
    // Over-reserve by one huge page so that the start can be aligned to one.
    void* p = ::mmap(nullptr, size + kHugePage, PROT_NONE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    const auto start = reinterpret_cast<std::uintptr_t>(p);
    const std::uintptr_t aligned = round_up(start, kHugePage);
    if (aligned != start) ::munmap(p, aligned - start);
    const std::uintptr_t end = start + size + kHugePage;
    if (end != aligned + size)
      ::munmap(reinterpret_cast<void*>(aligned + size), end - aligned - size);
    base_ = reinterpret_cast<std::byte*>(aligned);
    reserved_ = size;
#if defined(MADV_HUGEPAGE)
    ::madvise(base_, reserved_, MADV_HUGEPAGE);  // advice only: failure leaves normal pages
#endif
  }
  ~ReservedMemory() {
    reset();
  }
  ReservedMemory(ReservedMemory&& other) noexcept
      : base_(std::exchange(other.base_, nullptr)),
        reserved_(std::exchange(other.reserved_, 0)),
        usable_(std::exchange(other.usable_, 0)) {}
  ReservedMemory& operator=(ReservedMemory&& other) noexcept {
    if (this != &other) {
      reset();
      base_ = std::exchange(other.base_, nullptr);
      reserved_ = std::exchange(other.reserved_, 0);
      usable_ = std::exchange(other.usable_, 0);
    }
    return *this;
  }
  ReservedMemory(const ReservedMemory&) = delete;
  ReservedMemory& operator=(const ReservedMemory&) = delete;

  //! The first byte (null when nothing is reserved).
  [[nodiscard]] std::byte* data() const noexcept {
    return base_;
  }
  //! Bytes reserved: the most usable() can become.
  [[nodiscard]] std::size_t reserved() const noexcept {
    return reserved_;
  }
  //! Bytes that may be read and written (zero until written).
  [[nodiscard]] std::size_t usable() const noexcept {
    return usable_;
  }

  //! Makes the first `bytes` (<= reserved()) usable, keeping their contents. Throws
  //! std::bad_alloc when the system refuses the memory.
  void grow_to(std::size_t bytes) {
    if (bytes <= usable_) return;
    const std::size_t size = round_up(bytes, kPage);
    if (size > reserved_ || ::mprotect(base_, size, PROT_READ | PROT_WRITE) != 0) {
      throw std::bad_alloc();
    }
    usable_ = size;
  }

 private:
  static constexpr std::size_t kPage = 4096;
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;
  static constexpr std::size_t round_up(std::size_t n, std::size_t to) noexcept {
    return (n + to - 1) / to * to;
  }
  void reset() noexcept {
    if (base_ != nullptr) ::munmap(base_, reserved_);
    base_ = nullptr;
    reserved_ = usable_ = 0;
  }

  std::byte* base_ = nullptr;
  std::size_t reserved_ = 0;
  std::size_t usable_ = 0;
};

}  // namespace quarry::clean
