// The command line of a benchmark program: `--name value` options, each bound to the
// variable it sets, and `--name` switches bound to a bool. A program declares its flags,
// then parses once:
//
//   Flags flags("usage: tool [--conns 64] [--host 127.0.0.1] [--verbose]\n");
//   flags.number("--conns", o.conns).text("--host", o.host).on("--verbose", o.verbose);
//   flags.parse(argc, argv);
//
// --help (or -h) prints the usage and exits 0. An unknown name, a name without its value,
// or a number that does not parse whole (e.g. "12x", "", "1e9" for an int) prints why and
// the usage, and exits 2. What a value must also be (positive, one of a list) the program
// checks itself, and calls `refuse` when it is not.
#pragma once

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <system_error>
#include <vector>

namespace ex::bench {

class Flags {
 public:
  explicit Flags(std::string usage) : usage_(std::move(usage)) {}

  Flags& text(const char* name, std::string& to) {
    flags_.push_back({name, true, [&to](const char* v) {
                        to = v;
                        return true;
                      }});
    return *this;
  }

  // Any integer or floating-point variable; the value must be one, whole.
  template <class N>
  Flags& number(const char* name, N& to) {
    flags_.push_back({name, true, [&to](const char* v) {
                        const char* end = v + std::strlen(v);
                        auto [stop, error] = std::from_chars(v, end, to);
                        return v != end && stop == end && error == std::errc();
                      }});
    return *this;
  }

  Flags& on(const char* name, bool& to) {
    flags_.push_back({name, false, [&to](const char*) {
                        to = true;
                        return true;
                      }});
    return *this;
  }

  // Reads argv[first..argc).
  void parse(int argc, char** argv, int first = 1) const {
    for (int i = first; i < argc; ++i) {
      std::string name = argv[i];
      if (name == "--help" || name == "-h") {
        std::fputs(usage_.c_str(), stdout);
        std::exit(0);
      }
      const Flag* flag = find(name);
      if (!flag) refuse("unknown option " + name);
      const char* value = nullptr;
      if (flag->takes_value) {
        if (i + 1 >= argc) refuse(name + ": missing a value");
        value = argv[++i];
      }
      if (!flag->set(value)) refuse(name + ": not a number: '" + value + "'");
    }
  }

  [[noreturn]] void refuse(const std::string& why) const {
    std::fprintf(stderr, "%s\n%s", why.c_str(), usage_.c_str());
    std::exit(2);
  }

 private:
  struct Flag {
    std::string name;
    bool takes_value;
    std::function<bool(const char*)> set;  // false: the value does not parse
  };

  const Flag* find(const std::string& name) const {
    for (const Flag& f : flags_)
      if (f.name == name) return &f;
    return nullptr;
  }

  std::string usage_;
  std::vector<Flag> flags_;
};

}  // namespace ex::bench
