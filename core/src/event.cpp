#include "siem/core/event.hpp"

#include "siem/core/bytes.hpp"
#include "siem/core/json.hpp"
#include "siem/core/status.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>

namespace siem::core {
namespace {

constexpr std::size_t kMaxDepth = 16;

}  // namespace

// Fields are appended as set; a key set again gets a new slot and the latest one counts.
// Lookups scan from the end (events hold tens of fields, and most are never looked up).
auto Event::find(std::string_view key) const -> const Slot* {
  const auto sig = FieldKey::signature_of(key);
  for (std::size_t i = slots_.size(); i-- > 0;) {
    const auto& s = slots_[i];
    if (s.sig == sig && s.key_len == key.size()
        && equal_bytes(key_of(s).data(), key.data(), key.size())) {
      return s.erased ? nullptr : &s;
    }
  }
  return nullptr;
}

auto Event::live(std::size_t i) const -> bool {
  const auto& s = slots_[i];
  if (s.erased) {
    return false;
  }
  for (std::size_t j = i + 1; j < slots_.size(); ++j) {
    const auto& t = slots_[j];
    if (t.sig == s.sig && t.key_len == s.key_len
        && ((t.static_key != nullptr && t.static_key == s.static_key)
            || equal_bytes(key_of(t).data(), key_of(s).data(), s.key_len))) {
      return false;
    }
  }
  return true;
}

void Event::compact() {
  // Keep the latest live slot of each key, in insertion order.
  std::vector<std::uint32_t> idx(slots_.size());
  for (std::uint32_t i = 0; i < idx.size(); ++i) {
    idx[i] = i;
  }
  std::stable_sort(idx.begin(), idx.end(), [this](std::uint32_t a, std::uint32_t b) {
    return key_of(slots_[a]) < key_of(slots_[b]);
  });
  std::vector<bool> keep(slots_.size(), false);
  for (std::size_t k = 0; k < idx.size(); ++k) {
    const bool last = k + 1 == idx.size() || key_of(slots_[idx[k]]) != key_of(slots_[idx[k + 1]]);
    keep[idx[k]] = last && !slots_[idx[k]].erased;
  }
  std::size_t out = 0;
  shape_ = 0;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (keep[i]) {
      slots_[out++] = slots_[i];
      shape_ = mix(shape_, FieldKey::signature_of(key_of(slots_[i])));
    }
  }
  slots_.resize(out);
  irregular_ = 0;
  for (const auto& slot : slots_) {
    irregular_ += slot.static_key == nullptr ? 1 : 0;
  }
  SIEM_ASSERT(slots_.size() < kCompactAt, "more than 8191 distinct fields in one event");
}

void Event::append_key(Slot& s, FieldKey key) {
  s.key_off = static_cast<std::uint32_t>(arena_.size());
  arena_.append(key.data(), key.size());
  ++irregular_;
}

auto Event::view(const Slot& s) const -> FieldView {
  FieldView v;
  v.key = key_of(s);
  v.type = s.type;
  switch (s.type) {
    case FieldType::string:
      v.str = str_of(s);
      break;
    case FieldType::integer: v.integer = s.integer; break;
    case FieldType::real: v.real = s.real; break;
    case FieldType::boolean: v.boolean = s.integer != 0; break;
  }
  return v;
}

void Event::set(FieldKey key, std::string_view value) {
  // `key` or `value` may view into arena_, which the appends below can move: copy them first.
  const char* base = arena_.data();
  const bool key_inside =
      !key.is_static() && key.data() >= base && key.data() < base + arena_.size();
  const bool value_inside = value.data() >= base && value.data() < base + arena_.size();
  if (key_inside || value_inside) {
    const std::string k{key.view()};
    const std::string v{value};
    set(key.is_static() ? key : FieldKey{k}, std::string_view{v});
    return;
  }
  auto& s = slot_for(key);
  s.type = FieldType::string;
  s.val_off = static_cast<std::uint32_t>(arena_.size());
  s.val_len = static_cast<std::uint32_t>(value.size());
  arena_.append(value.data(), value.size());
}

void Event::set_double(FieldKey key, double value) {
  auto& s = slot_for(key);
  s.type = FieldType::real;
  s.real = value;
}

void Event::erase(std::string_view key) {
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    auto& s = slots_[i];
    if (!s.erased && s.key_len == key.size()
        && equal_bytes(key_of(s).data(), key.data(), key.size())) {
      s.erased = true;
      shape_ = mix(shape_, 0xE5A5E0000000ULL | i);
      ++irregular_;
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
  return str_of(*s);
}

auto Event::get_int(std::string_view key) const -> std::optional<std::int64_t> {
  const auto* s = find(key);
  if (s == nullptr || s->type != FieldType::integer) {
    return std::nullopt;
  }
  return s->integer;
}

auto Event::size() const -> std::size_t {
  std::size_t n = 0;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    n += live(i) ? 1 : 0;
  }
  return n;
}

void Event::clear() {
  arena_.clear();
  slots_.clear();
  literal_bytes_ = 0;
  irregular_ = 0;
  shape_ = 0;
  timestamp.reset();
  ref.clear();
  raw_hash.clear();
}

auto Event::to_json() const -> std::string {
  std::string out;
  append_json(out);
  return out;
}


// --- Output layouts -------------------------------------------------------------------------
//
// Sorting and nesting the keys is most of the cost of writing an event, yet a parser writes
// the same key sequence for every line of one message type. The first time a sequence is
// seen twice, the bytes between the values ("{\"destination\":{\"bytes\":", ...) and the
// value order are recorded; later events with exactly the same keys (compared byte for byte,
// not by hash) copy them and write only the values. Layouts live in a small per-thread
// direct-mapped table, so memory is bounded and steady state allocates nothing.

struct OutputLayout {
  std::uint64_t shape = 0;
  bool valid = false;
  std::string keys;                     ///< the slots' keys, concatenated
  std::vector<std::uint32_t> key_end;   ///< per slot: end in `keys`, bit 31 set when erased
  std::vector<const char*> static_key;  ///< per slot: Slot::static_key (same pointer: same key)
  bool all_static = false;              ///< every slot's key static and none erased
  std::vector<std::uint32_t> order;     ///< output items (slot index, or synthetic past it)
  std::string frags;  ///< structural bytes; before item k: up to frag_end[k]; then padding
  std::uint32_t frags_size = 0;  ///< frags without the padding
  std::vector<std::uint32_t> frag_end;
};

namespace {

constexpr std::uint32_t kErasedBit = 1U << 31U;

// Fragments are mostly 3-30 bytes ("},\"ip\":"): copied 16 bytes at a time, inline, instead
// of a memcpy call each. Reads and writes up to kFragOverrun - 1 bytes past the fragment:
// layouts pad their fragments, and the output bound has room.
constexpr std::size_t kFragOverrun = 16;
// write_json_string_padded over-writes up to kJsonPadding - 1 bytes past a value; the same
// room at the end of the bound covers it.
static_assert(kFragOverrun >= kJsonPadding);

auto copy_fragment(char* dst, const char* src, std::size_t n) -> char* {
  for (std::size_t i = 0; i < n; i += kFragOverrun) {
    std::memcpy(dst + i, src + i, kFragOverrun);
  }
  return dst + n;
}

struct LayoutCache {
  static constexpr std::size_t kLayouts = 256;
  static constexpr std::size_t kSeen = 1024;
  std::array<OutputLayout, kLayouts> layouts;
  std::array<std::uint64_t, kSeen> seen{};  ///< shapes seen once: a layout is made on the 2nd
  std::unique_ptr<char[]> buffer;  // NOLINT(cppcoreguidelines-avoid-c-arrays): uninitialized
  std::size_t capacity = 0;

  /// Room for `n` bytes (grows by doubling; contents not kept).
  auto scratch(std::size_t n) -> char* {
    if (n > capacity) {
      capacity = std::max<std::size_t>(n, capacity * 2);
      buffer = std::make_unique_for_overwrite<char[]>(capacity);  // NOLINT
    }
    return buffer.get();
  }
};

auto layout_cache() -> LayoutCache& {
  thread_local const auto cache = std::make_unique<LayoutCache>();
  return *cache;
}

}  // namespace

auto Event::value_bound(std::uint32_t item) const -> std::size_t {
  const auto n = static_cast<std::uint32_t>(slots_.size());
  if (item >= n) {
    switch (item - n) {
      case 0: return kRfc3339Bound + 2;
      case 1: return json_string_bound(ref.size());
      default: return json_string_bound(raw_hash.size());
    }
  }
  const auto& s = slots_[item];
  if (s.type != FieldType::string) {
    return kJsonNumberBound;
  }
  return s.literal ? s.val_len + 2 : json_string_bound(s.val_len);
}

auto Event::write_value(char* p, std::uint32_t item) const -> char* {
  const auto n = static_cast<std::uint32_t>(slots_.size());
  if (item >= n) {
    switch (item - n) {
      case 0:
        *p++ = '"';
        p = write_rfc3339(p, *timestamp);
        *p++ = '"';
        return p;
      case 1: return write_json_string(p, ref);
      default: return write_json_string(p, raw_hash);
    }
  }
  const auto& s = slots_[item];
  switch (s.type) {
    case FieldType::string:
      if (s.literal) {  // plain printable ASCII, checked when compiled
        *p = '"';
        std::memcpy(p + 1, s.text, s.val_len);
        p[s.val_len + 1] = '"';
        return p + s.val_len + 2;
      }
      return write_json_string_padded(p, {arena_.data() + s.val_off, s.val_len});
    case FieldType::integer: return write_json_int(p, s.integer);
    case FieldType::real: return write_json_double(p, s.real);
    case FieldType::boolean: break;
  }
  if (s.integer != 0) {
    std::memcpy(p, "true", 4);
    return p + 4;
  }
  std::memcpy(p, "false", 5);
  return p + 5;
}

void Event::append_value(std::string& out, std::uint32_t item) const {
  const std::size_t at = out.size();
  out.resize(at + value_bound(item) + kJsonPadding);
  char* end = write_value(out.data() + at, item);
  out.resize(static_cast<std::size_t>(end - out.data()));
}

void Event::append_json(std::string& out) const {
  const std::uint64_t synth = (timestamp ? 1U : 0U) | (ref.empty() ? 0U : 2U)
                              | (raw_hash.empty() ? 0U : 4U);
  const std::uint64_t shape = mix(mix(shape_, synth), slots_.size());
  auto& cache = layout_cache();
  auto& layout = cache.layouts[shape % LayoutCache::kLayouts];
  if (layout.valid && layout.shape == shape && layout.key_end.size() == slots_.size()) {
    bool same = true;
    if (layout.all_static && irregular_ == 0) {
      // Every key a literal, on both sides: the same pointer is the same key (a literal's
      // characters end at its NUL, so one pointer cannot start two different keys).
      for (std::size_t i = 0; i < slots_.size(); ++i) {
        same &= slots_[i].static_key == layout.static_key[i];
      }
    } else {
      std::uint32_t begin = 0;
      for (std::size_t i = 0; i < slots_.size() && same; ++i) {
        const auto& s = slots_[i];
        const std::uint32_t end = layout.key_end[i] & ~kErasedBit;
        same = ((layout.key_end[i] & kErasedBit) != 0) == s.erased && end - begin == s.key_len
               && ((s.static_key != nullptr && s.static_key == layout.static_key[i])
                   || std::memcmp(layout.keys.data() + begin, key_of(s).data(), s.key_len) == 0);
        begin = end;
      }
    }
    if (same) {
      // One bound for the whole object, then plain stores into a per-thread buffer. String
      // values are all in the arena, so 6 bytes per arena byte covers every escape; each
      // value gets room for a number or its quotes on top.
      // set_text values are not in the arena: their length and quotes are added.
      const std::size_t bound = layout.frags.size() + json_string_bound(arena_.size())
                                + literal_bytes_ + slots_.size() * kJsonNumberBound + kRfc3339Bound
                                + 2 + json_string_bound(ref.size())
                                + json_string_bound(raw_hash.size()) + kFragOverrun;
      char* p = cache.scratch(bound);
      char* const first = p;
      const char* frags = layout.frags.data();
      std::uint32_t at = 0;
      for (std::size_t k = 0; k < layout.order.size(); ++k) {
        p = copy_fragment(p, frags + at, layout.frag_end[k] - at);
        at = layout.frag_end[k];
        p = write_value(p, layout.order[k]);
      }
      p = copy_fragment(p, frags + at, layout.frags_size - at);
      SIEM_ASSERT(static_cast<std::size_t>(p - first) + kFragOverrun <= bound,
                  "event JSON outgrew its bound");
      out.append(first, static_cast<std::size_t>(p - first));  // (ptr, ptr) would copy via a temporary string
      return;
    }
  }
  auto& seen = cache.seen[(shape >> 8U) % LayoutCache::kSeen];
  if (seen != shape) {  // first sighting: a one-off shape should not evict a layout in use
    seen = shape;
    append_json_sorted(out, nullptr);
    return;
  }
  layout.valid = false;
  layout.shape = shape;
  layout.keys.clear();
  layout.key_end.clear();
  layout.static_key.clear();
  layout.all_static = irregular_ == 0;
  for (const auto& s : slots_) {
    layout.static_key.push_back(s.static_key);
    layout.keys.append(key_of(s));
    layout.key_end.push_back(static_cast<std::uint32_t>(layout.keys.size())
                             | (s.erased ? kErasedBit : 0U));
  }
  layout.order.clear();
  layout.frags.clear();
  layout.frag_end.clear();
  append_json_sorted(out, &layout);
  layout.frags_size = static_cast<std::uint32_t>(layout.frags.size());
  layout.frags.append(kFragOverrun, '\0');
  layout.valid = true;
}

void Event::append_json_sorted(std::string& out, OutputLayout* layout) const {
  // Synthetic fields take indices past slots_: @timestamp, siem.raw_ref, siem.raw_hash.
  const auto n = static_cast<std::uint32_t>(slots_.size());
  constexpr std::uint32_t kTs = 0;
  constexpr std::uint32_t kRef = 1;
  constexpr std::uint32_t kHash = 2;
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
  // Sort keys: the key with '.' as '\0', so a plain byte comparison orders nested objects
  // before their siblings ("source" < "source-x") and groups their members. Dot positions
  // are recorded on the way for the walk below. Keys are long ("suricata.eve.flow.age"),
  // so this works with memcpy/memchr rather than byte loops.
  order_.clear();
  dots_.clear();
  std::size_t total = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    if (!slots_[i].erased) {
      total += slots_[i].key_len;
    }
  }
  sort_keys_.resize(total + 64);  // room for the synthetic keys
  std::size_t used = 0;
  auto add = [&](std::uint32_t i) {
    const auto k = key_at(i);
    char* dst = sort_keys_.data() + used;
    std::memcpy(dst, k.data(), k.size());
    const auto first_dot = static_cast<std::uint32_t>(dots_.size());
    for (char* d = dst; (d = static_cast<char*>(std::memchr(d, '.', k.size() - (d - dst))));) {
      *d = '\0';
      dots_.push_back(static_cast<std::uint32_t>(d - dst));
      ++d;
      if (d == dst + k.size()) {
        break;
      }
    }
    std::uint64_t be = 0;
    std::memcpy(&be, dst, std::min<std::size_t>(8, k.size()));
    order_.push_back({__builtin_bswap64(be), static_cast<std::uint32_t>(used),
                      static_cast<std::uint32_t>(k.size()), i, first_dot,
                      static_cast<std::uint32_t>(dots_.size()) - first_dot});
    used += k.size();
  };
  for (std::uint32_t i = 0; i < n; ++i) {
    if (!slots_[i].erased) {
      add(i);
    }
  }
  if (timestamp) {
    add(n + kTs);
  }
  if (!ref.empty()) {
    add(n + kRef);
  }
  if (!raw_hash.empty()) {
    add(n + kHash);
  }
  const char* sk = sort_keys_.data();
  // Keys are unique, so an unstable sort gives the one order.
  // A key set more than once sorts as a run in slot order; only the run's last item (the
  // latest value) is written.
  std::sort(order_.begin(), order_.end(), [sk](const SortItem& a, const SortItem& b) {
    if (a.prefix != b.prefix) {
      return a.prefix < b.prefix;
    }
    const std::string_view ka(sk + a.off, a.len);
    const std::string_view kb(sk + b.off, b.len);
    return ka != kb ? ka < kb : a.index < b.index;
  });

  // Walk the sorted keys keeping the number of open objects. Keys are sorted, so the objects
  // still open are those whose dots lie inside the common prefix with the previous key.
  std::string_view prev;
  std::size_t depth = 0;
  bool first_in_level = true;
  std::size_t value_end = out.size();  // where the last value written ended
  out.push_back('{');
  for (std::size_t pos = 0; pos < order_.size(); ++pos) {
    const auto& item = order_[pos];
    if (pos + 1 < order_.size() && order_[pos + 1].len == item.len
        && std::memcmp(sk + order_[pos + 1].off, sk + item.off, item.len) == 0) {
      continue;  // superseded by a later set of the same key
    }
    const auto idx = item.index;
    const std::string_view k = key_at(idx);
    // Dots past kMaxDepth - 1 stay inside the leaf name.
    const std::size_t nd = std::min<std::size_t>(item.dot_count, kMaxDepth - 1);
    const std::uint32_t* dots = dots_.data() + item.dot_first;
    std::size_t p = 0;
    const std::size_t m = std::min(prev.size(), k.size());
    while (p + 8 <= m && std::memcmp(prev.data() + p, k.data() + p, 8) == 0) {
      p += 8;
    }
    while (p < m && prev[p] == k[p]) {
      ++p;
    }
    std::size_t common = 0;
    while (common < nd && common < depth && dots[common] < p) {
      ++common;
    }
    while (depth > common) {
      out.push_back('}');
      --depth;
      first_in_level = false;
    }
    for (; depth < nd; ++depth) {
      if (!first_in_level) {
        out.push_back(',');
      }
      const std::size_t start = depth == 0 ? 0 : dots[depth - 1] + 1;
      append_json_string(out, k.substr(start, dots[depth] - start));
      out += ":{";
      first_in_level = true;
    }
    prev = k;
    const std::string_view leaf = nd == 0 ? k : k.substr(dots[nd - 1] + 1);
    if (!first_in_level) {
      out.push_back(',');
    }
    append_json_string(out, leaf);
    out.push_back(':');
    if (layout != nullptr) {
      layout->frags.append(out, value_end, out.size() - value_end);
      layout->frag_end.push_back(static_cast<std::uint32_t>(layout->frags.size()));
      layout->order.push_back(idx);
    }
    append_value(out, idx);
    value_end = out.size();
    first_in_level = false;
  }
  while (depth > 0) {
    out.push_back('}');
    --depth;
  }
  out.push_back('}');
  if (layout != nullptr) {
    layout->frags.append(out, value_end, out.size() - value_end);
  }
}

}  // namespace siem::core
