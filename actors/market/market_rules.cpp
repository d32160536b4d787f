#include "actors/market/market_rules.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "storage/journal.hpp"
#include "storage/snapshot_file.hpp"

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

std::string path_in(const std::string& dir) {
  return (std::filesystem::path(dir) / "rules").string();
}

bool has_journal(const std::string& dir) {
  return !snapshot::list(dir).empty() || !journal::list_segments(dir).empty();
}

std::map<std::string, std::string> parse(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (auto eq = line.find('='); eq != std::string::npos)
      out[line.substr(0, eq)] = line.substr(eq + 1);
  return out;
}

// The file's rules; empty when there is none worth comparing (no file, an empty one, or
// no journal beside it).
Result<std::map<std::string, std::string>> recorded(const std::string& dir) {
  const std::string path = path_in(dir);
  if (!std::filesystem::exists(path) || !has_journal(dir))
    return std::map<std::string, std::string>{};
  std::ifstream in(path);
  if (!in) return make_error(ErrorCode::internal, "market rules: cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str());
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
  auto was = recorded(dir);
  if (!was) return was.error();
  std::string changes;
  for (const auto& [key, value] : parse(rules)) {
    auto it = was->find(key);
    if (it != was->end() && it->second != value)
      changes += (changes.empty() ? "" : ", ") + key + " " + it->second + " -> " + value;
  }
  if (changes.empty()) return true;
  return make_error(ErrorCode::invalid_field,
                    "the rules of the market in " + dir + " changed since its journal began (" +
                        changes +
                        "): replaying it under other rules would refuse its orders or match "
                        "them otherwise than they were acknowledged. Start with the rules it "
                        "was written under (" +
                        path_in(dir) + "), or give the new rules to a new market");
}

Result<bool> record_market_rules(const std::string& dir, const std::string& rules) {
  auto was = recorded(dir);
  if (!was) return was.error();
  if (!was->empty()) return true;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);  // the open below reports what matters
  // Whole and synced before it is renamed into place: a power loss leaves no empty file.
  return journal::replace_file(path_in(dir), {rules});
}

}  // namespace ex
