#include "event_index.hpp"

#include "codec.hpp"
#include "event_block.hpp"
#include <arpa/inet.h>
#include <rocksdb/db.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace siem::store {

namespace {

constexpr std::array<std::string_view, 5> kIndexed = {"source.ip", "destination.ip", "user.name",
                                                      "host.name", "rule.id"};

}  // namespace

auto indexed_event_fields() -> std::span<const std::string_view> {
  return kIndexed;
}

namespace detail {

auto parse_ip16(std::string_view s) -> std::optional<Ip16> {
  char buf[64];
  if (s.empty() || s.size() >= sizeof buf) {
    return std::nullopt;
  }
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  Ip16 out{};
  if (s.find(':') == std::string_view::npos) {
    in_addr a{};
    if (inet_pton(AF_INET, buf, &a) != 1) {
      return std::nullopt;
    }
    out[10] = 0xFF;
    out[11] = 0xFF;
    std::memcpy(out.data() + 12, &a, 4);
    return out;
  }
  in6_addr a{};
  if (inet_pton(AF_INET6, buf, &a) != 1) {
    return std::nullopt;
  }
  std::memcpy(out.data(), &a, 16);
  return out;
}

auto indexed_field_id(std::string_view field) -> std::uint8_t {
  for (std::size_t i = 0; i < kIndexed.size(); ++i) {
    if (kIndexed[i] == field) {
      return static_cast<std::uint8_t>(i + 1);
    }
  }
  return 0;
}

auto is_ip_field(std::string_view field) -> bool {
  return field == "ip" || field.ends_with(".ip");
}

void put_be32(std::string& out, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) {
    out.push_back(static_cast<char>((v >> (static_cast<unsigned>(i) * 8U)) & 0xFFU));
  }
}

namespace {

auto ip_id(std::uint8_t id) -> bool {
  return id == 1 || id == 2;
}

// The key form of a text value without its terminator (for prefixes).
void append_escaped(std::string_view value, std::string& out) {
  value = value.substr(0, kMaxIndexedValue);
  for (const char c : value) {
    out.push_back(c);
    if (c == '\0') {
      out.push_back('\xFF');
    }
  }
}

}  // namespace

auto append_index_value(std::uint8_t id, std::string_view value, std::string& out) -> bool {
  if (ip_id(id)) {
    const auto ip = parse_ip16(value);
    if (!ip) {
      return false;
    }
    out.append(reinterpret_cast<const char*>(ip->data()), ip->size());
    return true;
  }
  append_escaped(value, out);
  out.push_back('\0');
  out.push_back('\0');
  return true;
}

auto summary_key(std::uint64_t block_first) -> std::string {
  std::string k;
  put_be32(k, segment_of(block_first));
  k.push_back(static_cast<char>(kSummaryField));
  put_be64(k, block_first);
  return k;
}

namespace {

/// Whether a block whose event times span [min_time, max_time] (encoded as in event blocks)
/// can hold an event in [from, to); without a range, every block.
auto block_meets(std::uint64_t min_time, std::uint64_t max_time, std::optional<core::TimeMs> from,
                 std::optional<core::TimeMs> to) -> bool {
  if (!from && !to) {
    return true;
  }
  const auto lo = decode_time(min_time);
  const auto hi = decode_time(max_time);
  return lo && hi && (!to || *lo < *to) && (!from || *hi >= *from);
}

}  // namespace

// --- the open segment ----------------------------------------------------------------------

auto KeyMatch::matches(std::string_view key_form) const -> bool {
  switch (kind) {
    case Kind::exact:
      return key_form == form;
    case Kind::prefix:
      return key_form.starts_with(form);
    case Kind::cidr: {
      if (key_form.size() != 17 || !key_form.starts_with(form)) {
        return false;
      }
      const auto* v = reinterpret_cast<const unsigned char*>(key_form.data() + 1);
      return !std::lexicographical_compare(v, v + 16, lo.begin(), lo.end())
             && !std::lexicographical_compare(hi.begin(), hi.end(), v, v + 16);
    }
  }
  return false;
}

void SegmentIndex::reset(std::uint32_t segment) {
  segment_ = segment;
  arena_.clear();
  values_.clear();
  std::fill(table_.begin(), table_.end(), 0U);
  postings_.clear();
  blocks_.clear();
}

void SegmentIndex::grow() {
  const std::size_t size = table_.empty() ? 4096 : table_.size() * 2;
  table_.assign(size, 0U);
  const std::size_t mask = size - 1;
  for (std::uint32_t v = 0; v < values_.size(); ++v) {
    auto h = std::hash<std::string_view>{}(form(values_[v])) & mask;
    while (table_[h] != 0) {
      h = (h + 1) & mask;
    }
    table_[h] = v + 1;
  }
}

void SegmentIndex::add(std::uint8_t id, std::string_view value, std::uint64_t block,
                       std::uint32_t index) {
  scratch_.clear();
  scratch_.push_back(static_cast<char>(id));
  if (!append_index_value(id, value, scratch_)) {
    return;
  }
  if ((values_.size() + 1) * 2 > table_.size()) {
    grow();
  }
  const std::size_t mask = table_.size() - 1;
  auto h = std::hash<std::string_view>{}(scratch_)&mask;
  const auto at = static_cast<std::uint32_t>(postings_.size());
  while (table_[h] != 0) {
    auto& v = values_[table_[h] - 1];
    if (form(v) == scratch_) {
      postings_.push_back({block, index, UINT32_MAX});
      postings_[v.tail].next = at;
      v.tail = at;
      ++v.count;
      return;
    }
    h = (h + 1) & mask;
  }
  table_[h] = static_cast<std::uint32_t>(values_.size()) + 1;
  values_.push_back({static_cast<std::uint32_t>(arena_.size()),
                     static_cast<std::uint32_t>(scratch_.size()), at, at, 1});
  arena_.append(scratch_);
  postings_.push_back({block, index, UINT32_MAX});
}

void SegmentIndex::add_block(std::uint64_t block, std::size_t count,
                             std::optional<core::TimeMs> min_time,
                             std::optional<core::TimeMs> max_time) {
  blocks_.push_back({block, count, encode_time(min_time), encode_time(max_time)});
}

auto SegmentIndex::write(const std::function<core::Status(std::string_view, std::string_view)>& put)
    -> core::Status {
  std::string key;
  std::string value;
  for (const auto& b : blocks_) {  // field 0 sorts first
    key = summary_key(b.block);
    value.clear();
    put_varint(value, b.count);
    put_varint(value, b.min_time);
    put_varint(value, b.max_time);
    SIEM_TRY(put(key, value));
  }

  // Sorted by the first 16 bytes of each key form as two big-endian integers (zero-padded, so
  // integer order is byte order), the forms compared only where those tie: a segment has tens
  // of thousands of distinct values, and comparing forms with memcmp took most of this call.
  struct Sortable {
    std::uint64_t hi;
    std::uint64_t lo;
    std::uint32_t value;
  };

  const auto be64 = [](const unsigned char* p) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) {
      v = (v << 8U) | p[i];
    }
    return v;
  };
  std::vector<Sortable> order;
  order.reserve(values_.size());
  for (std::uint32_t v = 0; v < values_.size(); ++v) {
    const auto f = form(values_[v]);
    std::array<unsigned char, 16> head{};
    std::memcpy(head.data(), f.data(), std::min(f.size(), head.size()));
    order.push_back({be64(head.data()), be64(head.data() + 8), v});
  }
  std::sort(order.begin(), order.end(), [this](const Sortable& a, const Sortable& b) {
    if (a.hi != b.hi) {
      return a.hi < b.hi;
    }
    if (a.lo != b.lo) {
      return a.lo < b.lo;
    }
    return form(values_[a.value]) < form(values_[b.value]);
  });
  const std::uint64_t base = std::uint64_t{segment_} << kSegmentBits;
  for (const auto& sorted : order) {
    const auto v = sorted.value;
    key.clear();
    put_be32(key, segment_);
    key.append(form(values_[v]));
    value.clear();
    put_varint(value, values_[v].count);
    std::uint64_t prev = base;
    for (auto p = values_[v].head; p != UINT32_MAX; p = postings_[p].next) {
      put_varint(value, postings_[p].block - prev);
      put_varint(value, postings_[p].index);
      prev = postings_[p].block;
    }
    SIEM_TRY(put(key, value));
  }
  return core::Status::ok();
}

void SegmentIndex::postings(const KeyMatch& m, std::vector<Candidate>& out) const {
  const auto take = [&](const Value& v) {
    for (auto p = v.head; p != UINT32_MAX; p = postings_[p].next) {
      out.push_back({postings_[p].block, postings_[p].index});
    }
  };
  if (m.kind == KeyMatch::Kind::exact) {
    if (table_.empty()) {
      return;
    }
    const std::size_t mask = table_.size() - 1;
    for (auto h = std::hash<std::string_view>{}(m.form) & mask; table_[h] != 0;
         h = (h + 1) & mask) {
      const auto& v = values_[table_[h] - 1];
      if (form(v) == m.form) {
        take(v);
        return;
      }
    }
    return;
  }
  for (const auto& v : values_) {
    if (m.matches(form(v))) {
      take(v);
    }
  }
}

void SegmentIndex::blocks(std::optional<core::TimeMs> from, std::optional<core::TimeMs> to,
                          std::vector<Candidate>& out) const {
  for (const auto& b : blocks_) {
    if (block_meets(b.min_time, b.max_time, from, to)) {
      out.push_back({b.block, kAllEvents});
    }
  }
}

// --- conditions ---------------------------------------------------------------------------

namespace {

struct Compiled {
  const EventCondition* cond = nullptr;
  std::string pointer;  // JSON pointer of the field
  bool ip_field = false;
  std::optional<Ip16> ip;  // equals on an IP field
  Ip16 lo{};               // cidr
  Ip16 hi{};
};

auto parse_cidr(std::string_view s, Ip16& lo, Ip16& hi) -> bool {
  const auto slash = s.find('/');
  if (slash == std::string_view::npos) {
    return false;
  }
  const auto addr = parse_ip16(s.substr(0, slash));
  const auto bits_text = s.substr(slash + 1);
  unsigned bits = 0;
  const auto [p, ec] = std::from_chars(bits_text.data(), bits_text.data() + bits_text.size(), bits);
  if (!addr || ec != std::errc{} || p != bits_text.data() + bits_text.size() || bits_text.empty()) {
    return false;
  }
  const bool v4 = s.substr(0, slash).find(':') == std::string_view::npos;
  if (bits > (v4 ? 32U : 128U)) {
    return false;
  }
  if (v4) {
    bits += 96;
  }
  lo = *addr;
  hi = *addr;
  for (unsigned i = 0; i < 16; ++i) {
    const unsigned keep = bits >= (i + 1) * 8 ? 8 : (bits > i * 8 ? bits - i * 8 : 0);
    const auto mask = static_cast<unsigned char>(keep == 0 ? 0 : (0xFF00U >> keep) & 0xFFU);
    lo[i] = static_cast<unsigned char>(lo[i] & mask);
    hi[i] = static_cast<unsigned char>(hi[i] | static_cast<unsigned char>(~mask));
  }
  return true;
}

auto pointer_of(std::string_view field) -> std::string {
  std::string p = "/";
  for (const char c : field) {
    if (c == '.') {
      p.push_back('/');
    } else if (c == '~') {
      p += "~0";
    } else if (c == '/') {
      p += "~1";
    } else {
      p.push_back(c);
    }
  }
  return p;
}

auto compile(const EventCondition& c) -> core::Result<Compiled> {
  if (c.field.empty()) {
    return core::invalid_argument("a condition needs a field name");
  }
  Compiled out;
  out.cond = &c;
  out.pointer = pointer_of(c.field);
  out.ip_field = is_ip_field(c.field);
  switch (c.op) {
    case EventCondition::Op::cidr:
      if (!out.ip_field) {
        return core::invalid_argument("'" + c.field
                                      + "' holds no IP addresses: no CIDR search on it");
      }
      if (!parse_cidr(c.value, out.lo, out.hi)) {
        return core::invalid_argument("'" + c.value + "' is not a network (like 10.0.0.0/8)");
      }
      break;
    case EventCondition::Op::equals:
      if (out.ip_field) {
        out.ip = parse_ip16(c.value);
        if (!out.ip) {
          return core::invalid_argument("'" + c.value + "' is not an IP address (field " + c.field
                                        + ")");
        }
      }
      break;
    case EventCondition::Op::prefix:
      break;
  }
  return out;
}

auto number_text(simdjson::dom::element el, std::string& buf) -> std::string_view {
  char tmp[40];
  std::to_chars_result r{};
  switch (el.type()) {
    case simdjson::dom::element_type::INT64:
      r = std::to_chars(tmp, tmp + sizeof tmp, el.get_int64().value_unsafe());
      break;
    case simdjson::dom::element_type::UINT64:
      r = std::to_chars(tmp, tmp + sizeof tmp, el.get_uint64().value_unsafe());
      break;
    case simdjson::dom::element_type::DOUBLE:
      r = std::to_chars(tmp, tmp + sizeof tmp, el.get_double().value_unsafe());
      break;
    case simdjson::dom::element_type::BOOL:
      return el.get_bool().value_unsafe() ? "true" : "false";
    default:
      return {};
  }
  buf.assign(tmp, r.ptr);
  return buf;
}

auto value_matches(simdjson::dom::element el, const Compiled& c, std::string& buf) -> bool {
  using T = simdjson::dom::element_type;
  const auto op = c.cond->op;
  if (el.type() == T::ARRAY) {
    simdjson::dom::array array;
    if (el.get_array().get(array) != simdjson::SUCCESS) {
      return false;
    }
    for (const auto child : array) {
      if (value_matches(child, c, buf)) {
        return true;
      }
    }
    return false;
  }
  std::string_view text;
  if (el.type() == T::STRING) {
    text = el.get_string().value_unsafe();
  } else {
    text = number_text(el, buf);
    if (text.empty()) {
      return false;
    }
  }
  if (c.ip_field && op != EventCondition::Op::prefix) {
    const auto ip = parse_ip16(text);
    if (!ip) {
      return false;
    }
    if (op == EventCondition::Op::equals) {
      return *ip == *c.ip;
    }
    return std::lexicographical_compare(ip->begin(), ip->end(), c.lo.begin(), c.lo.end()) == false
           && std::lexicographical_compare(c.hi.begin(), c.hi.end(), ip->begin(), ip->end())
                  == false;
  }
  if (op == EventCondition::Op::prefix) {
    return text.starts_with(c.cond->value);
  }
  return op == EventCondition::Op::equals && text == c.cond->value;
}

}  // namespace

}  // namespace detail

auto EventCondition::parse(std::string_view field, std::string_view value)
    -> core::Result<EventCondition> {
  EventCondition c;
  c.field = std::string{field};
  if (detail::is_ip_field(field) && value.find('/') != std::string_view::npos) {
    c.op = Op::cidr;
    c.value = std::string{value};
  } else if (value.ends_with('*')) {
    c.op = Op::prefix;
    c.value = std::string{value.substr(0, value.size() - 1)};
  } else {
    c.value = std::string{value};
  }
  if (auto r = detail::compile(c); !r.has_value()) {
    return r.error();
  }
  return c;
}

namespace detail {

// --- matcher ------------------------------------------------------------------------------

struct EventMatcher::Impl {
  simdjson::dom::parser parser;
  std::vector<Compiled> conds;
  std::string buf;
};

EventMatcher::EventMatcher(std::span<const EventCondition> where)
    : impl_(std::make_unique<Impl>()) {
  for (const auto& c : where) {
    if (auto r = compile(c); r.has_value()) {
      impl_->conds.push_back(std::move(r).value());
    }
  }
}

EventMatcher::~EventMatcher() = default;

auto EventMatcher::matches(std::string_view json) -> bool {
  if (impl_->conds.empty()) {
    return true;
  }
  simdjson::dom::element doc;
  if (impl_->parser.parse(json.data(), json.size(), true).get(doc) != simdjson::SUCCESS) {
    return false;
  }
  for (const auto& c : impl_->conds) {
    simdjson::dom::element el;
    if (doc.at_pointer(c.pointer).get(el) != simdjson::SUCCESS
        || !value_matches(el, c, impl_->buf)) {
      return false;
    }
  }
  return true;
}

auto EventMatcher::field_text(std::string_view json, std::string_view field)
    -> std::optional<std::string> {
  simdjson::dom::element doc;
  simdjson::dom::element el;
  if (impl_->parser.parse(json.data(), json.size(), true).get(doc) != simdjson::SUCCESS
      || doc.at_pointer(pointer_of(field)).get(el) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  if (el.type() == simdjson::dom::element_type::STRING) {
    return std::string{el.get_string().value_unsafe()};
  }
  const auto t = number_text(el, impl_->buf);
  return t.empty() ? std::nullopt : std::optional<std::string>{std::string{t}};
}

auto EventMatcher::timestamp(std::string_view json) -> std::optional<core::TimeMs> {
  const auto t = field_text(json, "@timestamp");
  return t ? core::parse_rfc3339(*t) : std::nullopt;
}

void index_json(EventMatcher& fields, std::string_view json,
                const std::function<void(std::uint8_t, std::string_view)>& add) {
  fields.index_fields(json, add);
}

void EventMatcher::index_fields(std::string_view json,
                                const std::function<void(std::uint8_t, std::string_view)>& add) {
  static const std::array<std::string, kIndexed.size()> pointers = [] {
    std::array<std::string, kIndexed.size()> out;
    for (std::size_t i = 0; i < kIndexed.size(); ++i) {
      out[i] = pointer_of(kIndexed[i]);
    }
    return out;
  }();
  simdjson::dom::element doc;
  if (impl_->parser.parse(json.data(), json.size(), true).get(doc) != simdjson::SUCCESS) {
    return;
  }
  char tmp[24];
  for (std::size_t i = 0; i < kIndexed.size(); ++i) {
    simdjson::dom::element el;
    if (doc.at_pointer(pointers[i]).get(el) != simdjson::SUCCESS) {
      continue;
    }
    const auto id = static_cast<std::uint8_t>(i + 1);
    // As put_events() indexes: strings, and integers in decimal.
    switch (el.type()) {
      case simdjson::dom::element_type::STRING:
        add(id, el.get_string().value_unsafe());
        break;
      case simdjson::dom::element_type::INT64: {
        const auto r = std::to_chars(tmp, tmp + sizeof tmp, el.get_int64().value_unsafe());
        add(id, std::string_view{tmp, static_cast<std::size_t>(r.ptr - tmp)});
        break;
      }
      default:
        break;
    }
  }
}

// --- search -------------------------------------------------------------------------------

namespace {

// The key forms the driving condition selects.
auto driver_match(std::uint8_t id, const Compiled& c) -> KeyMatch {
  KeyMatch m;
  m.form.push_back(static_cast<char>(id));
  switch (c.cond->op) {
    case EventCondition::Op::cidr:
      m.kind = KeyMatch::Kind::cidr;
      m.lo = c.lo;
      m.hi = c.hi;
      break;
    case EventCondition::Op::prefix:
      m.kind = KeyMatch::Kind::prefix;
      append_escaped(c.cond->value, m.form);
      break;
    case EventCondition::Op::equals:
      append_index_value(id, c.cond->value, m.form);
      break;
  }
  return m;
}

auto parse_cursor(std::string_view s, std::uint64_t& out) -> bool {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size() && out > 0;
}

// Candidates of segment `seg` from its table file.
auto disk_candidates(rocksdb::Iterator& it, std::uint32_t seg, const KeyMatch* m,
                     std::optional<core::TimeMs> from, std::optional<core::TimeMs> to,
                     std::vector<Candidate>& out) -> core::Status {
  std::string prefix;
  put_be32(prefix, seg);
  if (m == nullptr) {
    prefix.push_back(static_cast<char>(kSummaryField));
    for (it.Seek(prefix); it.Valid() && it.key().starts_with(prefix); it.Next()) {
      const auto key = it.key().ToStringView();
      if (key.size() != prefix.size() + 8) {
        continue;
      }
      Reader r(it.value().ToStringView());
      r.varint();
      const auto lo = r.varint();
      if (block_meets(lo, r.varint(), from, to)) {
        out.push_back({get_be64(key.substr(prefix.size())), kAllEvents});
      }
    }
  } else {
    const auto start =
        prefix
        + (m->kind == KeyMatch::Kind::cidr
               ? m->form + std::string(reinterpret_cast<const char*>(m->lo.data()), 16)
               : m->form);
    prefix += m->form;
    for (it.Seek(start); it.Valid() && it.key().starts_with(prefix); it.Next()) {
      const auto key = it.key().ToStringView();
      const auto form = key.substr(4);
      if (!m->matches(form)) {
        if (m->kind == KeyMatch::Kind::exact) {
          break;
        }
        if (m->kind == KeyMatch::Kind::cidr) {
          break;  // keys are in address order: past the network's end
        }
        continue;
      }
      Reader r(it.value().ToStringView());
      const auto n = r.varint();
      std::uint64_t block = std::uint64_t{seg} << kSegmentBits;
      for (std::uint64_t k = 0; k < n && r.ok(); ++k) {
        block += r.varint();
        out.push_back({block, static_cast<std::uint32_t>(r.varint())});
      }
      if (!r.ok()) {
        return {core::StatusCode::corruption,
                "postings of segment " + std::to_string(seg) + " cannot be decoded"};
      }
      if (m->kind == KeyMatch::Kind::exact) {
        break;
      }
    }
  }
  if (!it.status().ok()) {
    return core::io_error("postings: " + it.status().ToString());
  }
  return core::Status::ok();
}

}  // namespace

auto run_event_query(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* events,
                     rocksdb::ColumnFamilyHandle* postings, std::uint64_t last_seq,
                     const OpenSegmentFn& open_segment, const EventQuery& q)
    -> core::Result<EventPage> {
  if (q.limit == 0 || q.limit > 10'000) {
    return core::invalid_argument("limit must be 1..10000");
  }
  std::uint64_t before = last_seq + 1;  // events with seq < before
  if (!q.cursor.empty() && !parse_cursor(q.cursor, before)) {
    return core::invalid_argument("malformed cursor '" + q.cursor + "'");
  }
  before = std::min(before, last_seq + 1);  // a cursor past the ledger starts at its end
  if (q.from && q.to && *q.from >= *q.to) {
    return core::invalid_argument("empty time range: from must be before to");
  }
  // The driving condition: an indexed equality, else an indexed CIDR or prefix.
  std::vector<Compiled> compiled;
  compiled.reserve(q.where.size());
  for (const auto& c : q.where) {
    SIEM_TRY_ASSIGN(auto cc, compile(c));
    compiled.push_back(std::move(cc));
  }
  std::optional<KeyMatch> driver;
  EventPage page;
  for (int pass = 0; pass < 2 && !driver; ++pass) {
    for (const auto& c : compiled) {
      const auto id = indexed_field_id(c.cond->field);
      const bool usable = id != 0 && !(ip_id(id) && c.cond->op == EventCondition::Op::prefix);
      if (usable && (pass == 1 || c.cond->op == EventCondition::Op::equals)) {
        driver = driver_match(id, c);
        page.index = c.cond->field;
        break;
      }
    }
  }

  EventMatcher matcher(q.where);
  EventBlockReader block;
  rocksdb::PinnableSlice block_value;
  std::uint64_t loaded = 0;
  bool loaded_ok = false;
  std::vector<Candidate> cands;
  rocksdb::ReadOptions ro;
  const auto in_time = [&](std::optional<core::TimeMs> t) {
    if (!q.from && !q.to) {
      return true;
    }
    return t && (!q.from || *t >= *q.from) && (!q.to || *t < *q.to);
  };

  if (before <= 1) {
    return page;
  }
  const KeyMatch* m = driver ? &*driver : nullptr;
  for (std::int64_t seg = segment_of(before - 1); seg >= 0; --seg) {
    const auto s32 = static_cast<std::uint32_t>(seg);
    cands.clear();
    if (!open_segment || !open_segment(s32, m, q.from, q.to, cands)) {
      // A fresh iterator per segment: the segment may have been ingested as a table since
      // the search began (it was the open one then).
      std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, postings));
      SIEM_TRY(disk_candidates(*it, s32, m, q.from, q.to, cands));
    }
    std::sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
      return a.block != b.block ? a.block > b.block : a.index > b.index;
    });
    for (const auto& c : cands) {
      if (c.block >= before) {
        continue;
      }
      if (loaded != c.block) {
        loaded = c.block;
        block_value.Reset();
        const auto s = db->Get(ro, events, be64_key(c.block), &block_value);
        if (s.IsNotFound()) {
          loaded_ok = false;  // expired after its segment's postings were written
          continue;
        }
        if (!s.ok()) {
          return core::io_error("event block " + std::to_string(c.block) + ": " + s.ToString());
        }
        SIEM_TRY(block.open(c.block, block_value.ToStringView()));
        loaded_ok = true;
      }
      if (!loaded_ok || (c.index != kAllEvents && c.index >= block.size())) {
        continue;
      }
      const std::size_t hi = c.index == kAllEvents ? block.size() : c.index + 1;
      const std::size_t lo = c.index == kAllEvents ? 0 : c.index;
      for (std::size_t i = hi; i-- > lo;) {
        const auto seq = block.seq(i);
        if (seq >= before) {
          continue;
        }
        ++page.examined;
        bool hit = false;
        std::string_view json;
        if (block.legacy() || in_time(block.time(i))) {
          SIEM_TRY_ASSIGN(json, block.json(i));
          hit = (!block.legacy() || in_time(matcher.timestamp(json))) && matcher.matches(json);
        }
        if (hit) {
          page.items.emplace_back(json);
        }
        if (page.items.size() == q.limit || page.examined >= q.max_examined) {
          page.next = std::to_string(seq);
          return page;
        }
      }
    }
  }
  return page;
}

}  // namespace detail
}  // namespace siem::store
