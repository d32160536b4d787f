#include "actors/market/market_rules.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "storage/journal.hpp"

namespace ex {
namespace {

const char* stp_name(book::StpPolicy p) {
  switch (p) {
    case book::StpPolicy::cancel_resting:
      return "cancel_resting";
    case book::StpPolicy::cancel_taker:
      return "cancel_taker";
    case book::StpPolicy::cancel_both:
      return "cancel_both";
  }
  return "?";
}

std::map<std::string, std::string> parse(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (auto eq = line.find('='); eq != std::string::npos)
      out[line.substr(0, eq)] = line.substr(eq + 1);
  return out;
}

Error io_error(const std::string& what, const std::string& path) {
  return Error{ErrorCode::internal, "market rules: cannot " + what + " " + path};
}

}  // namespace

std::string rules_text(const MarketSpec& spec, const MarketStart& start) {
  std::ostringstream out;
  out << "id=" << spec.id << "\nbase=" << spec.base << "\nquote=" << spec.quote
      << "\ntick_size=" << spec.tick_size.to_string()
      << "\nstep_size=" << spec.step_size.to_string() << "\nmin_qty=" << spec.min_qty.to_string()
      << "\nmin_notional=" << spec.min_notional.to_string() << "\nband_bps=" << spec.band_bps
      << "\nstp=" << stp_name(start.stp) << "\n";
  return out.str();
}

Result<bool> check_market_rules(const std::string& dir, const std::string& rules) {
  const std::string path = (std::filesystem::path(dir) / "rules").string();
  std::ifstream in(path);
  if (!in) {
    if (std::filesystem::exists(path)) return io_error("read", path);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);  // the write below reports what matters
    // Written whole under another name first: a crash leaves no half file.
    const std::string tmp = path + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << rules;
      if (!out.flush()) return io_error("write", tmp);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) return io_error("rename", tmp);
    return journal::sync_dir(dir);
  }
  std::stringstream held;
  held << in.rdbuf();
  const auto was = parse(held.str()), now = parse(rules);
  std::string changes;
  for (const auto& [key, value] : now) {
    auto it = was.find(key);
    const std::string before = it == was.end() ? "(none)" : it->second;
    if (before != value)
      changes += (changes.empty() ? "" : ", ") + key + " " + before + " -> " + value;
  }
  if (changes.empty()) return true;
  return make_error(ErrorCode::invalid_field,
                    "the rules of the market in " + dir + " changed since its journal began (" +
                        changes +
                        "): replaying it under other rules would refuse its orders or match "
                        "them otherwise than they were acknowledged. Start with the rules it "
                        "was written under (" +
                        path + "), or give the new rules to a new market");
}

}  // namespace ex
