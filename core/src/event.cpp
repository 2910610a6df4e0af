#include "siem/core/event.hpp"

#include <algorithm>
#include <array>

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

constexpr std::size_t kMaxDepth = 16;

/// Splits a dotted key into at most kMaxDepth segments (the last one keeps any rest).
auto split(std::string_view key, std::array<std::string_view, kMaxDepth>& segs) -> std::size_t {
  std::size_t n = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < key.size() && n + 1 < kMaxDepth; ++i) {
    if (key[i] == '.') {
      segs[n++] = key.substr(start, i - start);
      start = i + 1;
    }
  }
  segs[n++] = key.substr(start);
  return n;
}

}  // namespace

auto Event::find(std::string_view key) const -> const Slot* {
  for (const auto& s : slots_) {
    if (!s.erased && key_of(s) == key) {
      return &s;
    }
  }
  return nullptr;
}

auto Event::slot_for(std::string_view key) -> Slot& {
  for (auto& s : slots_) {
    if (!s.erased && key_of(s) == key) {
      return s;
    }
  }
  Slot s;
  s.key_off = static_cast<std::uint32_t>(arena_.size());
  s.key_len = static_cast<std::uint32_t>(key.size());
  arena_.append(key);
  slots_.push_back(s);
  return slots_.back();
}

auto Event::view(const Slot& s) const -> FieldView {
  FieldView v;
  v.key = key_of(s);
  v.type = s.type;
  switch (s.type) {
    case FieldType::string: v.str = {arena_.data() + s.val_off, s.val_len}; break;
    case FieldType::integer: v.integer = s.integer; break;
    case FieldType::real: v.real = s.real; break;
    case FieldType::boolean: v.boolean = s.integer != 0; break;
  }
  return v;
}

void Event::set(std::string_view key, std::string_view value) {
  // `key` or `value` may view into arena_, which the appends below can move: keep offsets.
  const char* base = arena_.data();
  const bool key_inside = key.data() >= base && key.data() < base + arena_.size();
  const bool value_inside = value.data() >= base && value.data() < base + arena_.size();
  if (key_inside || value_inside) {
    const std::string k{key};
    const std::string v{value};
    set(std::string_view{k}, std::string_view{v});
    return;
  }
  auto& s = slot_for(key);
  s.type = FieldType::string;
  s.val_off = static_cast<std::uint32_t>(arena_.size());
  s.val_len = static_cast<std::uint32_t>(value.size());
  arena_.append(value);
}

void Event::set_int(std::string_view key, std::int64_t value) {
  auto& s = slot_for(key);
  s.type = FieldType::integer;
  s.integer = value;
}

void Event::set_double(std::string_view key, double value) {
  auto& s = slot_for(key);
  s.type = FieldType::real;
  s.real = value;
}

void Event::set_bool(std::string_view key, bool value) {
  auto& s = slot_for(key);
  s.type = FieldType::boolean;
  s.integer = value ? 1 : 0;
}

void Event::erase(std::string_view key) {
  for (auto& s : slots_) {
    if (!s.erased && key_of(s) == key) {
      s.erased = true;
    }
  }
}

auto Event::get(std::string_view key) const -> std::optional<FieldView> {
  const auto* s = find(key);
  if (s == nullptr) {
    return std::nullopt;
  }
  return view(*s);
}

auto Event::get_string(std::string_view key) const -> std::optional<std::string_view> {
  const auto* s = find(key);
  if (s == nullptr || s->type != FieldType::string) {
    return std::nullopt;
  }
  return std::string_view{arena_.data() + s->val_off, s->val_len};
}

auto Event::get_int(std::string_view key) const -> std::optional<std::int64_t> {
  const auto* s = find(key);
  if (s == nullptr || s->type != FieldType::integer) {
    return std::nullopt;
  }
  return s->integer;
}

auto Event::size() const -> std::size_t {
  return static_cast<std::size_t>(
      std::count_if(slots_.begin(), slots_.end(), [](const Slot& s) { return !s.erased; }));
}

void Event::clear() {
  arena_.clear();
  slots_.clear();
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
  // Synthetic fields take indices past slots_: @timestamp, siem.raw_ref, siem.raw_hash.
  const auto n = static_cast<std::uint32_t>(slots_.size());
  constexpr std::uint32_t kTs = 0;
  constexpr std::uint32_t kRef = 1;
  constexpr std::uint32_t kHash = 2;
  order_.clear();
  for (std::uint32_t i = 0; i < n; ++i) {
    if (!slots_[i].erased) {
      order_.push_back(i);
    }
  }
  if (timestamp) {
    order_.push_back(n + kTs);
  }
  if (!ref.empty()) {
    order_.push_back(n + kRef);
  }
  if (!raw_hash.empty()) {
    order_.push_back(n + kHash);
  }
  auto key_at = [&](std::uint32_t i) -> std::string_view {
    if (i < n) {
      return key_of(slots_[i]);
    }
    switch (i - n) {
      case kTs: return "@timestamp";
      case kRef: return "siem.raw_ref";
      default: return "siem.raw_hash";
    }
  };
  std::stable_sort(order_.begin(), order_.end(), [&](std::uint32_t a, std::uint32_t b) {
    return key_less(key_at(a), key_at(b));
  });

  // Walk the sorted keys keeping the stack of open objects.
  std::array<std::string_view, kMaxDepth> open{};
  std::size_t depth = 0;
  std::array<std::string_view, kMaxDepth> segs{};
  bool first_in_level = true;
  out.push_back('{');
  for (const auto idx : order_) {
    const std::size_t nsegs = split(key_at(idx), segs);
    std::size_t common = 0;
    while (common < depth && common + 1 < nsegs && open[common] == segs[common]) {
      ++common;
    }
    while (depth > common) {
      out.push_back('}');
      --depth;
      first_in_level = false;
    }
    for (std::size_t i = common; i + 1 < nsegs; ++i) {
      if (!first_in_level) {
        out.push_back(',');
      }
      append_json_string(out, segs[i]);
      out += ":{";
      open[depth++] = segs[i];
      first_in_level = true;
    }
    if (!first_in_level) {
      out.push_back(',');
    }
    append_json_string(out, segs[nsegs - 1]);
    out.push_back(':');
    if (idx >= n) {
      switch (idx - n) {
        case kTs:
          out.push_back('"');
          append_rfc3339(out, *timestamp);
          out.push_back('"');
          break;
        case kRef: append_json_string(out, ref); break;
        default: append_json_string(out, raw_hash); break;
      }
    } else {
      const auto& s = slots_[idx];
      switch (s.type) {
        case FieldType::string:
          append_json_string(out, {arena_.data() + s.val_off, s.val_len});
          break;
        case FieldType::integer: append_json_int(out, s.integer); break;
        case FieldType::real: append_json_double(out, s.real); break;
        case FieldType::boolean: out += s.integer != 0 ? "true" : "false"; break;
      }
    }
    first_in_level = false;
  }
  while (depth > 0) {
    out.push_back('}');
    --depth;
  }
  out.push_back('}');
}

}  // namespace siem::core
