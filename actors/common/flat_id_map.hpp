// An open-addressing hash map from non-zero 64-bit ids to 32-bit slots.
//
// Why not std::unordered_map: the order book looks up an id on every cancel and
// inserts one on every resting order; node allocation and pointer chasing would
// dominate. Linear probing over one flat array, with backward-shift deletion (no
// tombstones), keeps both O(1) and cache-friendly. Key 0 marks an empty cell, so
// ids must be non-zero. Iteration order is never exposed, keeping users deterministic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ex {

class FlatIdMap {
 public:
  static constexpr uint32_t kMissing = UINT32_MAX;

  explicit FlatIdMap(size_t initial_capacity = 1024) { rehash(round_up(initial_capacity)); }

  size_t size() const { return size_; }

  uint32_t find(uint64_t key) const {
    for (size_t i = home(key);; i = (i + 1) & mask_) {
      const Cell& c = cells_[i];
      if (c.key == key) return c.value;
      if (c.key == 0) return kMissing;
    }
  }

  // Inserts key -> value; returns false (and changes nothing) if key is present.
  bool insert(uint64_t key, uint32_t value) {
    if ((size_ + 1) * 4 > cells_.size() * 3) rehash(cells_.size() * 2);
    for (size_t i = home(key);; i = (i + 1) & mask_) {
      Cell& c = cells_[i];
      if (c.key == key) return false;
      if (c.key == 0) {
        c = Cell{key, value};
        ++size_;
        return true;
      }
    }
  }

  // Removes key if present; returns whether it was.
  bool erase(uint64_t key) { return take(key) != kMissing; }

  // Removes key and returns its value (kMissing if absent): one probe for find + erase.
  uint32_t take(uint64_t key) {
    size_t i = home(key);
    for (;; i = (i + 1) & mask_) {
      if (cells_[i].key == key) break;
      if (cells_[i].key == 0) return kMissing;
    }
    const uint32_t value = cells_[i].value;
    // Backward-shift: pull later cells of the probe run into the hole.
    size_t hole = i;
    for (size_t j = (hole + 1) & mask_; cells_[j].key != 0; j = (j + 1) & mask_) {
      size_t want = home(cells_[j].key);
      // Move j into the hole if its home is not in the (hole, j] interval (cyclically).
      bool in_range = hole <= j ? (hole < want && want <= j) : (hole < want || want <= j);
      if (!in_range) {
        cells_[hole] = cells_[j];
        hole = j;
      }
    }
    cells_[hole] = Cell{};
    --size_;
    return value;
  }

  void clear() {
    for (Cell& c : cells_) c = Cell{};
    size_ = 0;
  }

 private:
  struct Cell {
    uint64_t key = 0;
    uint32_t value = 0;
  };

  static size_t round_up(size_t n) {
    size_t c = 16;
    while (c < n) c *= 2;
    return c;
  }

  size_t home(uint64_t key) const { return (key * 0x9E3779B97F4A7C15ull) >> shift_; }

  void rehash(size_t capacity) {
    std::vector<Cell> old;
    old.swap(cells_);
    cells_.assign(capacity, Cell{});
    mask_ = capacity - 1;
    shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(capacity));
    size_ = 0;
    for (const Cell& c : old)
      if (c.key != 0) insert(c.key, c.value);
  }

  std::vector<Cell> cells_;
  size_t mask_ = 0;
  unsigned shift_ = 0;
  size_t size_ = 0;
};

}  // namespace ex
