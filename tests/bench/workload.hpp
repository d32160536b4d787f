// The standard workload file of ../shared/bench/gen_workload.py, loaded into memory (its
// header describes the format): what the replay and recovery benchmarks feed the book.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "actors/market/order_book.hpp"

namespace ex::bench {

struct Op {
  char kind;  // 'A', 'C', 'M'
  book::Side side;
  uint64_t id;
  book::Ticks price;
  book::Lots qty;
};

inline std::vector<Op> load_workload(const char* path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "cannot open %s\n", path);
    std::exit(2);
  }
  std::vector<Op> ops;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || (line[0] != 'A' && line[0] != 'C' && line[0] != 'M')) continue;
    Op op{line[0], book::Side::buy, 0, 0, 0};
    char side = 'B';
    unsigned long long id = 0;
    long long price = 0, qty = 0;
    if (op.kind == 'A' &&
        std::sscanf(line.c_str(), "A,%llu,%c,%lld,%lld", &id, &side, &price, &qty) == 4) {
    } else if (op.kind == 'C' && std::sscanf(line.c_str(), "C,%llu", &id) == 1) {
    } else if (op.kind == 'M' &&
               std::sscanf(line.c_str(), "M,%llu,%c,%lld", &id, &side, &qty) == 3) {
    } else {
      std::fprintf(stderr, "bad line: %s\n", line.c_str());
      std::exit(2);
    }
    op.id = id;
    op.side = side == 'S' ? book::Side::sell : book::Side::buy;
    op.price = price;
    op.qty = qty;
    ops.push_back(op);
  }
  return ops;
}

}  // namespace ex::bench
