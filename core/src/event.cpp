#include "siem/core/event.hpp"

#include <algorithm>

#include "siem/core/json.hpp"

namespace siem::core {
namespace {

// Orders dotted keys segment by segment ('.' sorts before every other byte), so that all
// keys of one nested object are contiguous and objects sort by their own name.
auto key_less(std::string_view a, std::string_view b) -> bool {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const int ca = a[i] == '.' ? 0 : static_cast<unsigned char>(a[i]);
    const int cb = b[i] == '.' ? 0 : static_cast<unsigned char>(b[i]);
    if (ca != cb) {
      return ca < cb;
    }
  }
  return a.size() < b.size();
}

void append_value(std::string& out, const FieldValue& v) {
  switch (v.index()) {
    case 0: append_json_string(out, std::get<0>(v)); break;
    case 1: append_json_int(out, std::get<1>(v)); break;
    case 2: append_json_double(out, std::get<2>(v)); break;
    default: out += std::get<3>(v) ? "true" : "false"; break;
  }
}

}  // namespace

auto Event::find(std::string_view key) -> FieldValue* {
  for (auto& f : fields_) {
    if (f.key == key) {
      return &f.value;
    }
  }
  return nullptr;
}

auto Event::get(std::string_view key) const -> const FieldValue* {
  for (const auto& f : fields_) {
    if (f.key == key) {
      return &f.value;
    }
  }
  return nullptr;
}

void Event::set(std::string_view key, std::string_view value) {
  if (auto* v = find(key)) {
    *v = std::string{value};
    return;
  }
  fields_.push_back({std::string{key}, std::string{value}});
}

void Event::set_int(std::string_view key, std::int64_t value) {
  if (auto* v = find(key)) {
    *v = value;
    return;
  }
  fields_.push_back({std::string{key}, value});
}

void Event::set_double(std::string_view key, double value) {
  if (auto* v = find(key)) {
    *v = value;
    return;
  }
  fields_.push_back({std::string{key}, value});
}

void Event::set_bool(std::string_view key, bool value) {
  if (auto* v = find(key)) {
    *v = value;
    return;
  }
  fields_.push_back({std::string{key}, value});
}

void Event::erase(std::string_view key) {
  std::erase_if(fields_, [&](const Field& f) { return f.key == key; });
}

auto Event::get_string(std::string_view key) const -> std::optional<std::string_view> {
  const auto* v = get(key);
  if (v == nullptr || v->index() != 0) {
    return std::nullopt;
  }
  return std::string_view{std::get<0>(*v)};
}

auto Event::get_int(std::string_view key) const -> std::optional<std::int64_t> {
  const auto* v = get(key);
  if (v == nullptr || v->index() != 1) {
    return std::nullopt;
  }
  return std::get<1>(*v);
}

void Event::clear() {
  fields_.clear();
  timestamp.reset();
  ref.clear();
  raw_hash.clear();
}

auto Event::to_json() const -> std::string {
  std::string out;
  append_json(out);
  return out;
}

void Event::append_json(std::string& out) const {
  // Collect (key, value) views including the synthetic fields, then sort.
  struct Item {
    std::string_view key;
    const FieldValue* value;
  };
  std::vector<Item> items;
  items.reserve(fields_.size() + 3);
  FieldValue ts_value;
  FieldValue ref_value;
  FieldValue hash_value;
  if (timestamp) {
    ts_value = format_rfc3339(*timestamp);
    items.push_back({"@timestamp", &ts_value});
  }
  if (!ref.empty()) {
    ref_value = ref;
    items.push_back({"siem.raw_ref", &ref_value});
  }
  if (!raw_hash.empty()) {
    hash_value = raw_hash;
    items.push_back({"siem.raw_hash", &hash_value});
  }
  for (const auto& f : fields_) {
    items.push_back({f.key, &f.value});
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const Item& a, const Item& b) { return key_less(a.key, b.key); });

  // Walk the sorted keys keeping the stack of open objects (as segments of the last key).
  std::vector<std::string_view> open;
  bool first_in_level = true;
  out.push_back('{');
  for (const auto& item : items) {
    std::vector<std::string_view> segs;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= item.key.size(); ++i) {
      if (i == item.key.size() || item.key[i] == '.') {
        segs.push_back(item.key.substr(start, i - start));
        start = i + 1;
      }
    }
    // Common prefix between open objects and this key's parent segments.
    std::size_t common = 0;
    while (common < open.size() && common + 1 < segs.size() && open[common] == segs[common]) {
      ++common;
    }
    while (open.size() > common) {
      out.push_back('}');
      open.pop_back();
      first_in_level = false;
    }
    for (std::size_t i = common; i + 1 < segs.size(); ++i) {
      if (!first_in_level) {
        out.push_back(',');
      }
      append_json_string(out, segs[i]);
      out += ":{";
      open.push_back(segs[i]);
      first_in_level = true;
    }
    if (!first_in_level) {
      out.push_back(',');
    }
    append_json_string(out, segs.back());
    out.push_back(':');
    append_value(out, *item.value);
    first_in_level = false;
  }
  while (!open.empty()) {
    out.push_back('}');
    open.pop_back();
  }
  out.push_back('}');
}

}  // namespace siem::core
