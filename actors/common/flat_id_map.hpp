// Open-addressing hash tables keyed by non-zero 64-bit ids.
//
// Why not std::unordered_map: the order book looks up an id on every cancel and
// inserts one on every resting order, the ledger on every lock and settlement; node
// allocation and pointer chasing would dominate. Linear probing over one flat array,
// with backward-shift deletion (no tombstones), keeps both O(1) and cache-friendly.
// Key 0 marks an empty cell, so ids must be non-zero. Iteration order is never exposed
// as meaningful (for_each visits in table order): users stay deterministic by only
// aggregating over it.
//
// FlatIdTable<V> stores its values inline in the cells (the ledger keeps each hold
// there, so a settlement finds it with one probe and no second array); FlatIdMap is
// the id -> 32-bit slot map the order book uses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ex {

template <class V>
class FlatIdTable {
 public:
  explicit FlatIdTable(size_t initial_capacity = 1024) { rehash(round_up(initial_capacity)); }

  size_t size() const { return size_; }

  V* find(uint64_t key) {
    if (key == 0) return nullptr;
    for (size_t i = home(key);; i = (i + 1) & mask_) {
      Cell& c = cells_[i];
      if (c.key == key) return &c.value;
      if (c.key == 0) return nullptr;
    }
  }
  const V* find(uint64_t key) const { return const_cast<FlatIdTable*>(this)->find(key); }

  // A hint: starts loading the cell where a probe for key begins.
  void prefetch(uint64_t key) const { __builtin_prefetch(&cells_[home(key)], 1, 3); }

  // Inserts key -> value; returns nullptr (and changes nothing) if key is present or 0.
  V* insert(uint64_t key, const V& value) {
    if (key == 0) return nullptr;
    if ((size_ + 1) * 4 > cells_.size() * 3) rehash(cells_.size() * 2);
    for (size_t i = home(key);; i = (i + 1) & mask_) {
      Cell& c = cells_[i];
      if (c.key == key) return nullptr;
      if (c.key == 0) {
        c.key = key;
        c.value = value;
        ++size_;
        return &c.value;
      }
    }
  }

  // Removes the cell of a value that find() or insert() returned (no other call since).
  void erase_found(V* value) {
    const Cell* c =
        reinterpret_cast<const Cell*>(reinterpret_cast<const char*>(value) - offsetof(Cell, value));
    remove_at(static_cast<size_t>(c - cells_.data()));
  }

  // Removes key if present, copying its value to *out; returns whether it was there.
  bool take(uint64_t key, V* out) {
    V* v = find(key);
    if (!v) return false;
    if (out) *out = *v;
    erase_found(v);
    return true;
  }

  // Calls f(key, value) for every entry, in table order.
  template <class F>
  void for_each(F&& f) const {
    for (const Cell& c : cells_)
      if (c.key != 0) f(c.key, c.value);
  }

  void clear() {
    for (Cell& c : cells_)
      c = Cell{};
    size_ = 0;
  }

 private:
  struct Cell {
    uint64_t key = 0;
    V value{};
  };

  static size_t round_up(size_t n) {
    size_t c = 16;
    while (c < n)
      c *= 2;
    return c;
  }

  size_t home(uint64_t key) const { return (key * 0x9E3779B97F4A7C15ull) >> shift_; }

  void remove_at(size_t hole) {
    // Backward-shift: pull later cells of the probe run into the hole.
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
  }

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

class FlatIdMap {
 public:
  static constexpr uint32_t kMissing = UINT32_MAX;

  explicit FlatIdMap(size_t initial_capacity = 1024) : table_(initial_capacity) {}

  size_t size() const { return table_.size(); }

  // Id 0 is never valid: it reads as present (value 0), so nobody treats it as free.
  uint32_t find(uint64_t key) const {
    if (key == 0) return 0;
    const uint32_t* v = table_.find(key);
    return v ? *v : kMissing;
  }

  // Inserts key -> value; returns false (and changes nothing) if key is present.
  bool insert(uint64_t key, uint32_t value) { return table_.insert(key, value) != nullptr; }

  // Removes key if present; returns whether it was.
  bool erase(uint64_t key) { return table_.take(key, nullptr); }

  // Removes key and returns its value (kMissing if absent): one probe for find + erase.
  uint32_t take(uint64_t key) {
    uint32_t value = kMissing;
    table_.take(key, &value);
    return value;
  }

  void clear() { table_.clear(); }

 private:
  FlatIdTable<uint32_t> table_;
};

}  // namespace ex
