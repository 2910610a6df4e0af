#include "event_index.hpp"

#include "codec.hpp"
#include "event_block.hpp"
#include <arpa/inet.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
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

// --- postings builder ---------------------------------------------------------------------

void PostingsBuilder::clear() {
  values_.clear();
  entries_.clear();
}

void PostingsBuilder::add(std::uint8_t id, std::string_view value, std::uint32_t index) {
  const auto offset = values_.size();
  if (!append_index_value(id, value, values_)) {
    return;
  }
  entries_.push_back({id, static_cast<std::uint32_t>(offset),
                      static_cast<std::uint32_t>(values_.size() - offset), index});
}

void PostingsBuilder::emit(std::uint64_t block_first, std::size_t count,
                           std::optional<core::TimeMs> min_time,
                           std::optional<core::TimeMs> max_time, rocksdb::WriteBatch& wb,
                           rocksdb::ColumnFamilyHandle* cf) {
  std::sort(entries_.begin(), entries_.end(), [this](const Entry& a, const Entry& b) {
    if (a.id != b.id) {
      return a.id < b.id;
    }
    const auto c = entry_value(a).compare(entry_value(b));
    return c != 0 ? c < 0 : a.index < b.index;
  });
  const auto seg = segment_of(block_first);
  std::size_t i = 0;
  while (i < entries_.size()) {
    const auto& head = entries_[i];
    const auto v = entry_value(head);
    std::size_t j = i;
    while (j < entries_.size() && entries_[j].id == head.id && entry_value(entries_[j]) == v) {
      ++j;
    }
    key_.clear();
    put_be32(key_, seg);
    key_.push_back(static_cast<char>(head.id));
    key_.append(v);
    put_be64(key_, block_first);
    value_.clear();
    put_varint(value_, j - i);
    std::uint32_t prev = 0;
    for (auto k = i; k < j; ++k) {
      put_varint(value_, entries_[k].index - prev);
      prev = entries_[k].index;
    }
    wb.Put(cf, key_, value_);
    i = j;
  }
  value_.clear();
  put_varint(value_, count);
  put_varint(value_, encode_time(min_time));
  put_varint(value_, encode_time(max_time));
  wb.Put(cf, summary_key(block_first), value_);
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

// --- search -------------------------------------------------------------------------------

namespace {

constexpr std::uint32_t kAll = UINT32_MAX;

struct Candidate {
  std::uint64_t block;
  std::uint32_t index;  // kAll: every event of the block
};

// The key range of the driving condition inside one segment.
struct Range {
  std::string start;   // first key
  std::string prefix;  // keys must start with this
  bool cidr = false;
  Ip16 hi{};  // cidr: the 16 value bytes must be <= hi
};

auto driver_range(std::uint32_t seg, std::uint8_t id, const Compiled& c) -> Range {
  Range r;
  put_be32(r.prefix, seg);
  r.prefix.push_back(static_cast<char>(id));
  const auto* cond = c.cond;
  if (cond->op == EventCondition::Op::cidr) {
    r.cidr = true;
    r.hi = c.hi;
    r.start = r.prefix;
    r.start.append(reinterpret_cast<const char*>(c.lo.data()), c.lo.size());
    return r;
  }
  if (cond->op == EventCondition::Op::prefix) {
    append_escaped(cond->value, r.prefix);
  } else {
    append_index_value(id, cond->value, r.prefix);
  }
  r.start = r.prefix;
  return r;
}

auto parse_cursor(std::string_view s, std::uint64_t& out) -> bool {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size() && out > 0;
}

}  // namespace

auto run_event_query(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* events,
                     rocksdb::ColumnFamilyHandle* postings, std::uint64_t last_seq,
                     const EventQuery& q) -> core::Result<EventPage> {
  if (q.limit == 0 || q.limit > 10'000) {
    return core::invalid_argument("limit must be 1..10000");
  }
  std::uint64_t before = last_seq + 1;  // events with seq < before
  if (!q.cursor.empty() && !parse_cursor(q.cursor, before)) {
    return core::invalid_argument("malformed cursor '" + q.cursor + "'");
  }
  if (q.from && q.to && *q.from >= *q.to) {
    return core::invalid_argument("empty time range: from must be before to");
  }
  // The driving condition: an indexed equality, else an indexed CIDR or prefix.
  const Compiled* driver = nullptr;
  std::uint8_t driver_id = 0;
  std::vector<Compiled> compiled;
  compiled.reserve(q.where.size());
  for (const auto& c : q.where) {
    SIEM_TRY_ASSIGN(auto cc, compile(c));
    compiled.push_back(std::move(cc));
  }
  for (int pass = 0; pass < 2 && driver == nullptr; ++pass) {
    for (const auto& c : compiled) {
      const auto id = indexed_field_id(c.cond->field);
      const bool usable = id != 0 && !(ip_id(id) && c.cond->op == EventCondition::Op::prefix);
      if (usable && (pass == 1 || c.cond->op == EventCondition::Op::equals)) {
        driver = &c;
        driver_id = id;
        break;
      }
    }
  }

  EventPage page;
  if (driver != nullptr) {
    page.index = driver->cond->field;
  }
  EventMatcher matcher(q.where);
  EventBlockReader block;
  rocksdb::PinnableSlice block_value;
  std::uint64_t loaded = 0;
  bool loaded_ok = false;
  std::vector<Candidate> cands;
  rocksdb::ReadOptions ro;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, postings));
  const auto in_time = [&](std::optional<core::TimeMs> t) {
    if (!q.from && !q.to) {
      return true;
    }
    return t && (!q.from || *t >= *q.from) && (!q.to || *t < *q.to);
  };

  if (before <= 1) {
    return page;
  }
  for (std::int64_t seg = segment_of(before - 1); seg >= 0; --seg) {
    const auto s32 = static_cast<std::uint32_t>(seg);
    cands.clear();
    if (driver != nullptr) {
      const auto r = driver_range(s32, driver_id, *driver);
      for (it->Seek(r.start); it->Valid(); it->Next()) {
        const auto key = it->key().ToStringView();
        if (!key.starts_with(r.prefix) || key.size() < r.prefix.size() + 8) {
          break;
        }
        if (r.cidr) {
          const auto* v = reinterpret_cast<const unsigned char*>(key.data() + 5);
          if (std::lexicographical_compare(r.hi.begin(), r.hi.end(), v, v + 16)) {
            break;
          }
        }
        const auto block_first = get_be64(key.substr(key.size() - 8));
        Reader pr(it->value().ToStringView());
        const auto n = pr.varint();
        std::uint64_t index = 0;
        for (std::uint64_t k = 0; k < n && pr.ok(); ++k) {
          index += pr.varint();
          cands.push_back({block_first, static_cast<std::uint32_t>(index)});
        }
        if (!pr.ok()) {
          return core::Status{
              core::StatusCode::corruption,
              "postings of block " + std::to_string(block_first) + " cannot be decoded"};
        }
      }
    } else {
      std::string prefix;
      put_be32(prefix, s32);
      prefix.push_back(static_cast<char>(kSummaryField));
      for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
        const auto key = it->key().ToStringView();
        if (key.size() != prefix.size() + 8) {
          continue;
        }
        Reader sr(it->value().ToStringView());
        sr.varint();
        const auto lo = decode_time(sr.varint());
        const auto hi = decode_time(sr.varint());
        if ((q.from || q.to)
            && (!lo || !hi || (q.to && *lo >= *q.to) || (q.from && *hi < *q.from))) {
          continue;  // no event of the block is in the time range
        }
        cands.push_back({get_be64(key.substr(prefix.size())), kAll});
      }
    }
    if (!it->status().ok()) {
      return core::io_error("postings: " + it->status().ToString());
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
          loaded_ok = false;  // expired after its postings' segment was last written
          continue;
        }
        if (!s.ok()) {
          return core::io_error("event block " + std::to_string(c.block) + ": " + s.ToString());
        }
        SIEM_TRY(block.open(c.block, block_value.ToStringView()));
        loaded_ok = true;
      }
      if (!loaded_ok || (c.index != kAll && c.index >= block.size())) {
        continue;
      }
      const std::size_t hi =
          c.index == kAll ? block.size() : std::min<std::size_t>(c.index + 1, block.size());
      const std::size_t lo = c.index == kAll ? 0 : hi == 0 ? 0 : hi - 1;
      for (std::size_t i = hi; i-- > lo;) {
        const auto seq = block.seq(i);
        if (seq >= before) {
          continue;
        }
        ++page.examined;
        bool hit = false;
        std::string_view json;
        if (block.legacy() ? true : in_time(block.time(i))) {
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
