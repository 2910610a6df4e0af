// libFuzzer target for the store's event blocks and search conditions:
//  - the input's lines go through EventBlockWriter and must come back from EventBlockReader
//    byte for byte, with their sequences and times;
//  - raw ledger blocks: decompressing arbitrary frames, and a round trip;
//  - the input itself, as a stored block value (schema 1, and schema 2 behind the magic),
//    must decode or be refused as corruption, never crash or read out of bounds;
//  - the input as an event's JSON is checked against conditions of every kind.
#include "siem/store/store.hpp"

#include "event_block.hpp"
#include "event_index.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

void check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

void decode(std::string_view value) {
  siem::store::detail::EventBlockReader r;
  if (!r.open(1000, value).is_ok()) {
    return;
  }
  for (std::size_t i = 0; i < r.size(); ++i) {
    static_cast<void>(r.seq(i));
    static_cast<void>(r.time(i));
    static_cast<void>(r.json(i));
  }
  static_cast<void>(r.find(1000));
}

}  // namespace

extern "C" auto LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) -> int {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  // Round trip.
  std::vector<std::string_view> lines;
  for (std::size_t at = 0; at <= in.size() && lines.size() < 300;) {
    const auto nl = in.find('\n', at);
    const auto end = nl == std::string_view::npos ? in.size() : nl;
    lines.push_back(in.substr(at, end - at));
    at = end + 1;
  }
  siem::store::detail::EventBlockWriter w;
  std::uint64_t seq = 1000;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    seq += 1 + lines[i].size() % 3;
    const std::optional<std::int64_t> t =
        i % 4 == 3
            ? std::nullopt
            : std::optional<std::int64_t>{static_cast<std::int64_t>(lines[i].size()) * 7919 - 4000};
    check(w.add(seq, t, lines[i]).is_ok());
  }
  std::string block;
  check(w.finish(block).is_ok());
  siem::store::detail::EventBlockReader r;
  check(r.open(w.first_seq(), block).is_ok());
  check(r.size() == lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto j = r.json(i);
    check(j.has_value() && *j == lines[i]);
    check(r.find(r.seq(i)) == std::optional<std::size_t>{i});
  }

  // Arbitrary stored bytes.
  decode(in);
  std::string v2("\0E\2", 3);
  v2.append(in);
  decode(v2);

  // Raw ledger blocks: the input as a compressed block's frame must decompress or be
  // refused; the input as records survives a round trip.
  siem::store::detail::Zstd zstd;
  std::string records;
  std::string raw(siem::store::detail::kRawMagic);
  raw.append(in);
  static_cast<void>(siem::store::detail::raw_block_records(zstd, raw, records));
  check(siem::store::detail::raw_block_value(zstd, in, raw).is_ok());
  check(siem::store::detail::raw_block_records(zstd, raw, records).is_ok() && records == in);

  // Conditions on the input as an event.
  std::vector<siem::store::EventCondition> where;
  for (const auto& [f, v] :
       {std::pair{"source.ip", "10.0.0.0/8"}, std::pair{"destination.ip", "2001:db8::1"},
        std::pair{"user.name", "ad*"}, std::pair{"related.ip", "0.0.0.0/0"}}) {
    where.push_back(siem::store::EventCondition::parse(f, v).value());
    siem::store::detail::EventMatcher m({&where.back(), 1});
    static_cast<void>(m.matches(in));
  }
  siem::store::detail::EventMatcher all(where);
  static_cast<void>(all.matches(in));
  static_cast<void>(all.timestamp(in));
  const auto eq = in.find('=');
  if (eq != std::string_view::npos && eq < 64) {
    static_cast<void>(siem::store::EventCondition::parse(in.substr(0, eq), in.substr(eq + 1)));
  }
  return 0;
}
