#pragma once
//! \file
//! A 64-byte-aligned, growable byte buffer: the storage behind every chunk column.

#include <cstddef>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <vector>

namespace quarry::io {

//! Owned, 64-byte-aligned bytes with a size and a capacity (always a multiple of 64, at least
//! 64, so SIMD loads may read a full 64-byte block past the last byte). Move-only.
class AlignedBuffer {
 public:
  //! Alignment and padding of every allocation (Arrow's recommendation).
  static constexpr std::size_t kAlignment = 64;

  //! No allocation.
  AlignedBuffer() = default;
  //! An empty buffer with room for `capacity` bytes (zeroed).
  explicit AlignedBuffer(std::size_t capacity) { reserve(capacity); }

  //! The first byte (nullptr before the first allocation).
  [[nodiscard]] std::byte* data() noexcept { return data_.get(); }
  [[nodiscard]] const std::byte* data() const noexcept { return data_.get(); }
  //! The data viewed as `T` (the caller keeps to sizes that fit).
  template <class T>
  [[nodiscard]] T* as() noexcept {
    return reinterpret_cast<T*>(data_.get());
  }
  template <class T>
  [[nodiscard]] const T* as() const noexcept {
    return reinterpret_cast<const T*>(data_.get());
  }
  //! Bytes in use.
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  //! Bytes allocated.
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

  //! Ensures room for `bytes` bytes, keeping every byte of the old capacity; new bytes are zero.
  void reserve(std::size_t bytes) {
    if (bytes > capacity_) reallocate(bytes, true);
  }
  //! As reserve(), but new bytes are left uninitialised (for buffers written before read).
  void reserve_uninitialized(std::size_t bytes) {
    if (bytes > capacity_) reallocate(bytes, false);
  }
  //! Ensures room for `bytes`, growing geometrically (amortised O(1) appends); new bytes are
  //! zeroed unless the buffer was last reserved uninitialised.
  void grow_to(std::size_t bytes) {
    if (bytes > capacity_) reallocate(bytes > 2 * capacity_ ? bytes : 2 * capacity_, zero_growth_);
  }
  //! Sets the size, growing the capacity as grow_to() does.
  void resize(std::size_t bytes) {
    grow_to(bytes);
    size_ = bytes;
  }
  //! Appends `n` bytes.
  void append(const void* bytes, std::size_t n) {
    grow_to(size_ + n);
    if (n != 0) std::memcpy(data_.get() + size_, bytes, n);
    size_ += n;
  }
  //! Forgets the contents, keeping the allocation.
  void clear() noexcept { size_ = 0; }

 private:
  struct Free {
    void operator()(std::byte* p) const noexcept {
      ::operator delete[](p, std::align_val_t{kAlignment});
    }
  };

  void reallocate(std::size_t bytes, bool zero) {
    const std::size_t rounded = ((bytes + kAlignment - 1) / kAlignment) * kAlignment;
    const std::size_t capacity = rounded == 0 ? kAlignment : rounded;
    std::unique_ptr<std::byte[], Free> fresh(
        static_cast<std::byte*>(::operator new[](capacity, std::align_val_t{kAlignment})));
    // Copies the whole old capacity: builders write past size() before setting it.
    if (capacity_ != 0) std::memcpy(fresh.get(), data_.get(), capacity_);
    if (zero) std::memset(fresh.get() + capacity_, 0, capacity - capacity_);
    zero_growth_ = zero;
    data_ = std::move(fresh);
    capacity_ = capacity;
  }

  std::unique_ptr<std::byte[], Free> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  bool zero_growth_ = true;  // whether grow_to() zeroes (follows the last reserve kind)
};

//! Freed chunk buffers kept for reuse, so a steady stream of chunks stops faulting in fresh
//! pages. Thread-safe: chunks die on any thread. Holds at most `max_bytes` of capacity.
class BufferPool {
 public:
  //! A pool keeping up to `max_bytes` of free buffers.
  explicit BufferPool(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  //! An empty buffer with capacity for at least `bytes`, reused when a kept one fits without
  //! wasting more than half of it; its contents are unspecified.
  [[nodiscard]] AlignedBuffer take(std::size_t bytes) {
    {
      const std::lock_guard lock(mutex_);
      for (std::size_t i = 0; i < free_.size(); ++i) {
        const std::size_t capacity = free_[i].capacity();
        if (capacity < bytes || capacity > 2 * bytes + AlignedBuffer::kAlignment) continue;
        AlignedBuffer found = std::move(free_[i]);
        free_[i] = std::move(free_.back());
        free_.pop_back();
        held_ -= capacity;
        found.clear();
        return found;
      }
    }
    AlignedBuffer fresh;
    fresh.reserve_uninitialized(bytes);
    return fresh;
  }

  //! Keeps `buffer` for reuse, or frees it when the pool is full.
  void give(AlignedBuffer buffer) noexcept {
    const std::lock_guard lock(mutex_);
    if (buffer.capacity() == 0 || held_ + buffer.capacity() > max_bytes_) return;
    try {
      held_ += buffer.capacity();
      free_.push_back(std::move(buffer));
    } catch (...) {
      held_ -= buffer.capacity();
    }
  }

  //! Capacity currently kept.
  [[nodiscard]] std::size_t held_bytes() const {
    const std::lock_guard lock(mutex_);
    return held_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<AlignedBuffer> free_;
  std::size_t held_ = 0;
  std::size_t max_bytes_;
};

}  // namespace quarry::io
