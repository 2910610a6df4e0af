#include "siem/ingest/parse_counters.hpp"

#include <algorithm>

namespace siem::ingest {
namespace detail {
namespace {

// Label values must be valid UTF-8 in the exposition format; values come from parsers and
// (event.dataset of JSON formats) partly from the data, so keep printable ASCII only.
auto reduce(char c) -> char {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x20 && u < 0x7F ? c : '?';
}

auto matches(std::string_view stored, std::string_view value) -> bool {
  if (stored.size() != std::min(value.size(), LabelTable::kMaxLabelBytes)) {
    return false;
  }
  for (std::size_t i = 0; i < stored.size(); ++i) {
    if (stored[i] != reduce(value[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace

LabelTable::LabelTable(std::size_t capacity) : names_(capacity) {
  for (auto& n : names_) {
    n.reserve(kMaxLabelBytes);
  }
}

auto LabelTable::intern(std::string_view value) -> std::size_t {
  // Only this (writer) thread changes size_, so a relaxed load sees its own stores.
  const std::size_t n = size_.load(std::memory_order_relaxed);
  if (last_ < n && matches(names_[last_], value)) {
    return last_;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (matches(names_[i], value)) {
      last_ = i;
      return i;
    }
  }
  if (n == names_.size()) {
    return n;
  }
  auto& slot = names_[n];  // capacity reserved: no allocation
  const auto len = std::min(value.size(), kMaxLabelBytes);
  slot.resize(len);
  for (std::size_t i = 0; i < len; ++i) {
    slot[i] = reduce(value[i]);
  }
  size_.store(n + 1, std::memory_order_release);
  last_ = n;
  return n;
}

void append_label(std::string& out, std::string_view key, std::string_view value) {
  out += key;
  out += "=\"";
  for (const char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

}  // namespace detail

namespace {

void append_header(std::string& out, std::string_view name, std::string_view help) {
  out += "# HELP ";
  out += name;
  out.push_back(' ');
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += " counter\n";
}

}  // namespace

ParseCounters::ParseCounters(std::vector<ParseCounterSource> sources)
    : sources_(std::move(sources)), cells_((sources_.size() + 1) * kStride) {}

auto ParseCounters::row(std::string_view source) const -> std::size_t {
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    if (sources_[i].name == source) {
      return i;
    }
  }
  return unconfigured_row();
}

auto ParseCounters::count(std::size_t row, const core::Event& ev) -> bool {
  if (ev.get_string("event.kind") == std::optional<std::string_view>{"unparsed"}) {
    count_unparsed(row, ev.get_string("error.message").value_or(kUnknown));
    return true;
  }
  count_parsed(row, ev.get_string("event.dataset").value_or(kUnknown));
  return false;
}

void ParseCounters::count_parsed(std::size_t row, std::string_view dataset) {
  cell(row, 0).fetch_add(1, std::memory_order_relaxed);
  cell(row, kDatasetBase + datasets_.intern(dataset)).fetch_add(1, std::memory_order_relaxed);
}

void ParseCounters::count_unparsed(std::size_t row, std::string_view reason) {
  cell(row, 0).fetch_add(1, std::memory_order_relaxed);
  cell(row, kReasonBase + reasons_.intern(reason)).fetch_add(1, std::memory_order_relaxed);
}

auto ParseCounters::events(std::size_t row) const -> std::uint64_t {
  return cell(row, 0).load(std::memory_order_relaxed);
}

auto ParseCounters::counts(std::size_t row) const -> std::vector<Count> {
  // Label sizes are published before the counters that use them are incremented, so reading
  // them first never shows a count under an unpublished label.
  const std::size_t reasons = reasons_.size();
  const std::size_t datasets = datasets_.size();
  std::vector<Count> out;
  const auto add = [&](bool unparsed, const detail::LabelTable& table, std::size_t published,
                       std::size_t base) {
    for (std::size_t i = 0; i <= table.capacity(); ++i) {
      if (i == published) {
        i = table.capacity();  // the "other" cell
      }
      if (const auto n = cell(row, base + i).load(std::memory_order_relaxed); n > 0) {
        out.push_back({unparsed, i < published ? table.name(i) : kOther, n});
      }
    }
  };
  add(true, reasons_, reasons, kReasonBase);
  add(false, datasets_, datasets, kDatasetBase);
  return out;
}

auto ParseCounters::metrics_text() const -> std::string {
  std::string out;
  const auto labels = [&](std::size_t row) {
    const bool configured = row < sources_.size();
    detail::append_label(out, "source",
                         configured ? std::string_view{sources_[row].name} : kUnconfiguredSource);
    out.push_back(',');
    detail::append_label(out, "format",
                         configured ? std::string_view{sources_[row].format} : "auto");
  };
  const auto sample = [&](std::string_view name, std::size_t row, std::string_view key,
                          std::string_view value, std::uint64_t n) {
    out += name;
    out.push_back('{');
    labels(row);
    if (!key.empty()) {
      out.push_back(',');
      detail::append_label(out, key, value);
    }
    out += "} ";
    out += std::to_string(n);
    out.push_back('\n');
  };
  std::vector<std::vector<Count>> rows;
  for (std::size_t row = 0; row <= sources_.size(); ++row) {
    rows.push_back(counts(row));
  }
  const auto by_label = [&](std::string_view name, std::string_view key, bool unparsed) {
    for (std::size_t row = 0; row < rows.size(); ++row) {
      for (const auto& c : rows[row]) {
        if (c.unparsed == unparsed) {
          sample(name, row, key, c.label, c.n);
        }
      }
    }
  };

  append_header(out, "siem_source_events_total",
                "Records normalized per source since start, parsed or not.");
  for (std::size_t row = 0; row <= sources_.size(); ++row) {
    const auto n = events(row);
    if (row < sources_.size() || n > 0) {
      sample("siem_source_events_total", row, {}, {}, n);
    }
  }
  append_header(out, "siem_source_unparsed_events_total",
                "Records that became event.kind unparsed, per source and reason, since start.");
  by_label("siem_source_unparsed_events_total", "reason", true);
  append_header(out, "siem_source_parsed_events_total",
                "Parsed events per source and event.dataset, since start.");
  by_label("siem_source_parsed_events_total", "dataset", false);
  return out;
}

}  // namespace siem::ingest
