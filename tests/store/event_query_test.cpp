#define BOOST_TEST_MODULE event_query
#include "siem/core/time.hpp"
#include "siem/store/store.hpp"

#include "codec.hpp"
#include "encryption.hpp"
#include "engagement_db.hpp"
#include "event_block.hpp"
#include "event_index.hpp"
#include "temp_dir.hpp"
#include <boost/test/unit_test.hpp>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <charconv>
#include <functional>

BOOST_TEST_DONT_PRINT_LOG_VALUE(siem::core::StatusCode)
BOOST_TEST_DONT_PRINT_LOG_VALUE(siem::store::EventCondition::Op)

using siem::core::Event;
using siem::store::EventCondition;
using siem::store::EventQuery;
using siem::store::Store;
using siem::store::StoreOptions;

namespace {

const std::int64_t kNow = siem::core::SystemClock{}.now_ms();
const std::int64_t kBase = 1'780'000'000'000;  // event times (2026-05-28)

// The synthetic event of ledger sequence i: every indexed field varies with i, so each
// query below has a known answer computed from the same rule.
struct Spec {
  std::string src, dst, user, host, action;
  std::optional<std::int64_t> rule;
  std::optional<std::int64_t> time;
};

auto spec(std::uint64_t i) -> Spec {
  Spec s;
  s.src = "10.0." + std::to_string(i % 4) + "." + std::to_string(i % 250);
  s.dst =
      i % 5 == 0 ? "2001:db8::" + std::to_string(i % 16) : "192.168.1." + std::to_string(i % 10);
  s.user = i % 7 == 0 ? "admin" : "user" + std::to_string(i % 13);
  s.host = "host-" + std::to_string(i % 3);
  s.action = i % 2 == 1 ? "allow" : "deny";
  if (i % 2 == 0) {
    s.rule = static_cast<std::int64_t>(i % 11);
  }
  if (i % 50 != 0) {
    s.time = kBase + static_cast<std::int64_t>(i) * 1000;
  }
  return s;
}

auto make_event(std::uint64_t i) -> Event {
  const auto s = spec(i);
  Event e;
  e.ref = "default:" + std::to_string(i);
  e.timestamp = s.time;
  e.set("source.ip", s.src);
  e.set("destination.ip", s.dst);
  e.set("user.name", s.user);
  e.set("host.name", s.host);
  e.set("event.action", s.action);
  if (s.rule) {
    e.set_int("rule.id", *s.rule);
  }
  return e;
}

constexpr std::uint64_t kRecords = 1500;

// Appends kRecords raw records and their events in batches of 700, 700 and 100 (blocks of
// several zstd frames, one short).
void fill(Store& s) {
  std::uint64_t next = 1;
  for (const std::uint64_t n : {700U, 700U, 100U}) {
    siem::core::RawBatch b;
    b.source = "fw";
    b.engagement = "default";
    for (std::uint64_t k = 0; k < n; ++k) {
      b.records.push_back({"raw line " + std::to_string(next + k), "fw", "p", "", kNow});
    }
    BOOST_REQUIRE(s.append(b).has_value());
    std::vector<Event> evs;
    for (std::uint64_t k = 0; k < n; ++k) {
      evs.push_back(make_event(next + k));
    }
    const auto st = s.put_events("default", evs, next + n - 1);
    BOOST_REQUIRE_MESSAGE(st.is_ok(), st.to_string());
    next += n;
  }
  BOOST_REQUIRE(s.sync().is_ok());
}

auto open(const std::string& dir) -> std::unique_ptr<Store> {
  StoreOptions o;
  o.data_dir = dir;
  auto s = Store::open(o);
  BOOST_REQUIRE_MESSAGE(s.has_value(), s.error().to_string());
  return std::move(s).value();
}

auto seq_of(const std::string& json) -> std::uint64_t {
  const std::string tag = R"("raw_ref":"default:)";
  const auto p = json.find(tag);
  BOOST_REQUIRE(p != std::string::npos);
  std::uint64_t v = 0;
  const char* b = json.data() + p + tag.size();
  std::from_chars(b, json.data() + json.size(), v);
  return v;
}

auto expected(const std::function<bool(std::uint64_t, const Spec&)>& pred,
              std::uint64_t records = kRecords) -> std::vector<std::uint64_t> {
  std::vector<std::uint64_t> out;
  for (auto i = records; i >= 1; --i) {
    if (pred(i, spec(i))) {
      out.push_back(i);
    }
  }
  return out;
}

auto cond(std::string_view field, std::string_view value) -> EventCondition {
  auto c = EventCondition::parse(field, value);
  BOOST_REQUIRE_MESSAGE(c.has_value(), c.error().to_string());
  return *c;
}

// Runs a query page by page; returns the sequences in the order served.
auto run_all(Store& s, EventQuery q, std::size_t* pages = nullptr) -> std::vector<std::uint64_t> {
  std::vector<std::uint64_t> out;
  std::size_t n = 0;
  for (;;) {
    auto p = s.query_events(q);
    BOOST_REQUIRE_MESSAGE(p.has_value(), p.error().to_string());
    ++n;
    BOOST_REQUIRE(p->items.size() <= q.limit);
    for (const auto& item : p->items) {
      out.push_back(seq_of(item));
    }
    if (!p->next) {
      break;
    }
    q.cursor = *p->next;
    BOOST_REQUIRE(n < 10'000);
  }
  if (pages != nullptr) {
    *pages = n;
  }
  return out;
}

auto query(std::vector<EventCondition> where, std::size_t limit = 100) -> EventQuery {
  EventQuery q;
  q.engagement = "default";
  q.where = std::move(where);
  q.limit = limit;
  return q;
}

}  // namespace

BOOST_AUTO_TEST_CASE(indexed_equality_cidr_and_prefix_with_paging) {
  siem::test::TempDir tmp;
  auto s = open(tmp.path());
  fill(*s);

  std::size_t pages = 0;
  auto got = run_all(*s, query({cond("user.name", "admin")}, 37), &pages);
  const auto admins = expected([](auto, const Spec& x) { return x.user == "admin"; });
  BOOST_TEST(admins.size() == 214U);
  BOOST_TEST(got == admins, boost::test_tools::per_element());
  BOOST_TEST(pages == 6U);  // 214 hits in pages of 37
  BOOST_TEST(s->query_events(query({cond("user.name", "admin")})).value().index == "user.name");

  got = run_all(*s, query({cond("source.ip", "10.0.2.0/24")}));
  BOOST_TEST(got == expected([](auto i, auto&) { return i % 4 == 2; }),
             boost::test_tools::per_element());

  got = run_all(*s, query({cond("source.ip", "10.0.3.17")}));
  BOOST_TEST(got == expected([](auto, const Spec& x) { return x.src == "10.0.3.17"; }),
             boost::test_tools::per_element());
  BOOST_TEST(!got.empty());

  got = run_all(*s, query({cond("destination.ip", "2001:db8::/32")}));
  BOOST_TEST(got == expected([](auto i, auto&) { return i % 5 == 0; }),
             boost::test_tools::per_element());
  // IPv6 written differently is the same address.
  got = run_all(*s, query({cond("destination.ip", "2001:0db8:0:0::3")}));
  BOOST_TEST(got == expected([](auto i, auto&) { return i % 5 == 0 && i % 16 == 3; }),
             boost::test_tools::per_element());
  BOOST_TEST(!got.empty());
  // An IPv4 network does not match IPv6 addresses and the other way round.
  BOOST_TEST(run_all(*s, query({cond("destination.ip", "0.0.0.0/0")})).size()
             == expected([](auto i, auto&) { return i % 5 != 0; }).size());

  got = run_all(*s, query({cond("user.name", "user1*")}));
  BOOST_TEST(got == expected([](auto, const Spec& x) { return x.user.starts_with("user1"); }),
             boost::test_tools::per_element());

  got = run_all(*s, query({cond("rule.id", "7")}));
  BOOST_TEST(got == expected([](auto, const Spec& x) { return x.rule == 7; }),
             boost::test_tools::per_element());
  BOOST_TEST(!got.empty());

  BOOST_TEST(run_all(*s, query({cond("user.name", "nobody")})).empty());
  BOOST_TEST(run_all(*s, query({cond("source.ip", "172.16.0.0/12")})).empty());
}

BOOST_AUTO_TEST_CASE(conjunctions_time_ranges_and_unindexed_fields) {
  siem::test::TempDir tmp;
  auto s = open(tmp.path());
  fill(*s);

  auto q = query({cond("host.name", "host-1"), cond("event.action", "deny")}, 10);
  q.from = kBase + 100'000;
  q.to = kBase + 900'000;
  auto got = run_all(*s, q);
  auto want = expected([](auto, const Spec& x) {
    return x.host == "host-1" && x.action == "deny" && x.time && *x.time >= kBase + 100'000
           && *x.time < kBase + 900'000;
  });
  BOOST_TEST(got == want, boost::test_tools::per_element());
  BOOST_TEST(!want.empty());

  // No indexed field: the blocks are scanned (time summaries skip those out of range).
  q = query({cond("event.action", "deny")});
  BOOST_TEST(s->query_events(q).value().index.empty());
  got = run_all(*s, q);
  BOOST_TEST(got == expected([](auto, const Spec& x) { return x.action == "deny"; }),
             boost::test_tools::per_element());

  q = query({});
  q.from = kBase + 1'400'000;
  got = run_all(*s, q);
  BOOST_TEST(
      got == expected([](auto, const Spec& x) { return x.time && *x.time >= kBase + 1'400'000; }),
      boost::test_tools::per_element());
  BOOST_TEST(got.size() == 98U);  // 1400..1500 less the untimed 1400, 1450 and 1500

  // A bounded page: at most max_examined events are read, and the cursor goes on from there.
  q = query({cond("event.action", "allow")}, 1000);
  q.max_examined = 100;
  auto first = s->query_events(q).value();
  BOOST_TEST(first.examined == 100U);
  BOOST_TEST(first.items.size() == 50U);
  BOOST_REQUIRE(first.next.has_value());
  BOOST_TEST(*first.next == "1401");
  got = run_all(*s, q);
  BOOST_TEST(got == expected([](auto, const Spec& x) { return x.action == "allow"; }),
             boost::test_tools::per_element());

  // Everything, in pages.
  got = run_all(*s, query({}, 500));
  BOOST_TEST(got.size() == kRecords);
  BOOST_TEST(got.front() == kRecords);
  BOOST_TEST(got.back() == 1U);
}

BOOST_AUTO_TEST_CASE(bad_queries_are_named) {
  siem::test::TempDir tmp;
  auto s = open(tmp.path());
  fill(*s);
  using siem::core::StatusCode;
  BOOST_TEST(EventCondition::parse("source.ip", "10.0.0.0/33").error().code()
             == StatusCode::invalid_argument);
  BOOST_TEST(EventCondition::parse("source.ip", "10.0.0.1/x").error().code()
             == StatusCode::invalid_argument);
  const auto bad_ip = EventCondition::parse("destination.ip", "not-an-ip");
  BOOST_TEST(bad_ip.error().message().find("not an IP address") != std::string::npos);
  BOOST_TEST(EventCondition::parse("", "x").error().code() == StatusCode::invalid_argument);
  // A '/' in a field that holds no addresses is an ordinary value.
  BOOST_TEST(EventCondition::parse("url.path", "/a/b").value().op == EventCondition::Op::equals);
  BOOST_TEST(EventCondition::parse("user.name", "ad*").value().value == "ad");

  auto q = query({});
  q.limit = 0;
  BOOST_TEST(s->query_events(q).error().code() == StatusCode::invalid_argument);
  // A cursor past the end of the ledger starts at its end (it used to walk 2^32 segments).
  q = query({cond("user.name", "admin")}, 50);
  q.cursor = "281474976710655";
  const auto far = s->query_events(q);
  BOOST_REQUIRE(far.has_value());
  BOOST_TEST(far->items.size() == 50U);
  BOOST_TEST(far->items.front()
             == s->query_events(query({cond("user.name", "admin")}, 50)).value().items.front());
  q = query({});
  q.cursor = "12abc";
  BOOST_TEST(s->query_events(q).error().message().find("malformed cursor") != std::string::npos);
  q = query({});
  q.from = kBase + 10;
  q.to = kBase;
  BOOST_TEST(s->query_events(q).error().code() == StatusCode::invalid_argument);
  q = query({});
  q.engagement = "nope";
  BOOST_TEST(s->query_events(q).error().code() == StatusCode::not_found);
  EventCondition c;
  c.field = "user.name";
  c.op = EventCondition::Op::cidr;
  c.value = "10.0.0.0/8";
  BOOST_TEST(s->query_events(query({c})).error().code() == StatusCode::invalid_argument);
}

BOOST_AUTO_TEST_CASE(blocks_are_compressed_and_survive_reopen) {
  siem::test::TempDir tmp;
  {
    auto s = open(tmp.path());
    fill(*s);
    BOOST_TEST(s->read_event("default", 777).value() == make_event(777).to_json());
  }
  std::size_t json_bytes = 0;
  for (std::uint64_t i = 1; i <= kRecords; ++i) {
    auto e = make_event(i);
    json_bytes += e.to_json().size();
  }
  std::size_t stored = 0;
  std::size_t blocks = 0;
  siem::test::with_engagement_db(tmp.path(), [&](rocksdb::DB* db, auto& cf) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, cf.at("events")));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const auto v = it->value().ToString();
      BOOST_TEST(v.find("admin") == std::string::npos);  // no event text in the clear
      BOOST_TEST(v.find("host-1") == std::string::npos);
      stored += v.size();
      ++blocks;
    }
  });
  BOOST_TEST(blocks == 3U);
  BOOST_TEST(stored * 3 < json_bytes, stored << " bytes stored for " << json_bytes << " of JSON");

  auto s = open(tmp.path());
  for (const std::uint64_t i : {1U, 64U, 65U, 700U, 701U, 1436U, 1500U}) {
    auto j = s->read_event("default", i);
    BOOST_REQUIRE_MESSAGE(j.has_value(), j.error().to_string());
    // The stored JSON is the event's own, with the reference to its raw record.
    BOOST_TEST(*j == make_event(i).to_json());
    BOOST_TEST(seq_of(*j) == i);
  }
  BOOST_TEST(s->read_event("default", kRecords + 1).error().code()
             == siem::core::StatusCode::not_found);
  BOOST_TEST(run_all(*s, query({cond("user.name", "admin")})).size() == 214U);
}

BOOST_AUTO_TEST_CASE(schema_1_store_is_migrated_on_open) {
  siem::test::TempDir tmp;
  {
    auto s = open(tmp.path());
    fill(*s);
  }
  // Turn the store back into schema 1: JSON blocks without compression, no postings.
  siem::test::with_engagement_db(tmp.path(), [](rocksdb::DB* db, auto& cf) {
    rocksdb::WriteBatch wb;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, cf.at("events")));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      siem::store::detail::EventBlockReader r;
      const auto first = siem::store::detail::get_be64(it->key().ToStringView());
      BOOST_REQUIRE(r.open(first, it->value().ToStringView()).is_ok());
      std::string v1;
      siem::store::detail::put_varint(v1, r.size());
      for (std::size_t i = 0; i < r.size(); ++i) {
        siem::store::detail::put_varint(v1, r.seq(i));
        siem::store::detail::put_lp(v1, r.json(i).value());
      }
      wb.Put(cf.at("events"), it->key(), v1);
    }
    wb.DeleteRange(cf.at("postings"), std::string(1, '\0'), std::string(8, '\xFF'));
    wb.Put(cf.at("meta"), "schema_version", "1");
    BOOST_REQUIRE(db->Write({}, &wb).ok());
  });
  {
    // Read-only tools read schema-1 events but have no index to search until migration.
    StoreOptions o;
    o.data_dir = tmp.path();
    o.read_only = true;
    auto ro = Store::open(o);
    BOOST_REQUIRE_MESSAGE(ro.has_value(), ro.error().to_string());
    BOOST_TEST(seq_of((*ro)->read_event("default", 5).value()) == 5U);
    const auto r = (*ro)->query_events(query({cond("user.name", "admin")}));
    BOOST_TEST(r.error().code() == siem::core::StatusCode::unavailable);
    BOOST_TEST(r.error().message().find("start the engine once") != std::string::npos);
  }
  auto s = open(tmp.path());
  BOOST_TEST(run_all(*s, query({cond("user.name", "admin")}))
                 == expected([](auto, const Spec& x) { return x.user == "admin"; }),
             boost::test_tools::per_element());
  auto q = query({});
  q.from = kBase + 1'400'000;
  BOOST_TEST(run_all(*s, q).size() == 98U);  // times rebuilt from the events' @timestamp
  BOOST_TEST(seq_of(s->read_event("default", 1234).value()) == 1234U);
  s.reset();
  siem::test::with_engagement_db(tmp.path(), [](rocksdb::DB* db, auto& cf) {
    std::string v;
    BOOST_REQUIRE(db->Get({}, cf.at("meta"), "schema_version", &v).ok());
    BOOST_TEST(v == "2");
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, cf.at("events")));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      BOOST_TEST(it->value().ToStringView().substr(0, 3) == std::string_view("\0E\2", 3));
    }
  });
}

BOOST_AUTO_TEST_CASE(damaged_blocks_are_reported_as_corruption) {
  using siem::core::StatusCode;
  siem::store::detail::EventBlockWriter w;
  for (std::uint64_t i = 1; i <= 100; ++i) {
    BOOST_REQUIRE(
        w.add(10 + i, kBase + static_cast<std::int64_t>(i), make_event(i).to_json()).is_ok());
  }
  std::string block;
  BOOST_REQUIRE(w.finish(block).is_ok());
  siem::store::detail::EventBlockReader r;
  BOOST_REQUIRE(r.open(11, block).is_ok());
  BOOST_TEST(r.size() == 100U);
  BOOST_TEST(*r.time(99) == kBase + 100);
  BOOST_TEST(r.json(70).value() == make_event(71).to_json());
  // Truncated, a count no block can hold (found by fuzzing: it sized an allocation), a frame
  // with flipped bytes.
  BOOST_TEST(r.open(11, block.substr(0, block.size() - 1)).code() == StatusCode::corruption);
  BOOST_TEST(r.open(11, std::string("\0E\2\xc0\xe7\xcb\xe2\x01\xfe\x7f", 10)).code()
             == StatusCode::corruption);
  auto flipped = block;
  for (std::size_t i = flipped.size() - 40; i < flipped.size() - 20; ++i) {
    flipped[i] = static_cast<char>(~flipped[i]);
  }
  BOOST_REQUIRE(r.open(11, flipped).is_ok());  // the header is intact
  BOOST_TEST(r.json(99).error().code() == StatusCode::corruption);

  // Through the store: a damaged block is named, not served.
  siem::test::TempDir tmp;
  {
    auto s = open(tmp.path());
    fill(*s);
  }
  siem::test::with_engagement_db(tmp.path(), [](rocksdb::DB* db, auto& cf) {
    std::string v;
    BOOST_REQUIRE(db->Get({}, cf.at("events"), siem::store::detail::be64_key(1401), &v).ok());
    v.resize(v.size() / 2);
    BOOST_REQUIRE(db->Put({}, cf.at("events"), siem::store::detail::be64_key(1401), v).ok());
  });
  // The store opens (the damaged block stays out of the rebuilt index), reading an event of
  // the block names the damage, and the other blocks stay searchable.
  auto s = open(tmp.path());
  const auto e = s->read_event("default", 1450);
  BOOST_TEST(e.error().code() == StatusCode::corruption);
  BOOST_TEST(e.error().message().find("event block 1401") != std::string::npos);
  BOOST_TEST(run_all(*s, query({cond("user.name", "admin")}))
                 == expected([](auto i, const Spec& x) { return x.user == "admin" && i <= 1400; }),
             boost::test_tools::per_element());
  BOOST_TEST(s->read_event("default", 700).has_value());
}

namespace {

// Appends records (from+1 .. to) with their events, in batches of `batch`.
void fill_range(Store& s, std::uint64_t from, std::uint64_t to, std::uint64_t batch) {
  for (auto next = from + 1; next <= to;) {
    const auto n = std::min(batch, to - next + 1);
    siem::core::RawBatch b;
    b.source = "fw";
    b.engagement = "default";
    for (std::uint64_t k = 0; k < n; ++k) {
      b.records.push_back({"raw line " + std::to_string(next + k), "fw", "p", "", kNow});
    }
    const auto r = s.append(b);
    BOOST_REQUIRE(r.has_value());
    BOOST_REQUIRE(r->first_seq == next);
    std::vector<Event> evs;
    for (std::uint64_t k = 0; k < n; ++k) {
      evs.push_back(make_event(next + k));
    }
    BOOST_REQUIRE(s.put_events("default", evs, next + n - 1).is_ok());
    next += n;
  }
  BOOST_REQUIRE(s.sync().is_ok());
}

// Keys of the postings family under segment `seg`.
auto postings_keys(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::uint32_t seg)
    -> std::size_t {
  std::string prefix;
  siem::store::detail::put_be32(prefix, seg);
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, cf));
  std::size_t n = 0;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    ++n;
  }
  return n;
}

auto admins(std::uint64_t n) -> std::vector<std::uint64_t> {
  return expected([](auto, const Spec& x) { return x.user == "admin"; }, n);
}

}  // namespace

BOOST_AUTO_TEST_CASE(complete_segments_become_tables_and_the_open_one_is_rebuilt) {
  siem::test::TempDir tmp;
  constexpr std::uint64_t kMany = 70'000;  // segment 0 (1..65535) complete, segment 1 open
  const auto admin_query = query({cond("user.name", "admin")}, 1000);
  {
    auto s = open(tmp.path());
    fill_range(*s, 0, kMany, 1000);
    BOOST_TEST(run_all(*s, admin_query) == admins(kMany), boost::test_tools::per_element());
    auto q = query({cond("source.ip", "10.0.1.0/24")}, 5000);
    q.from = kBase + 65'000'000;
    q.to = kBase + 66'000'000;
    BOOST_TEST(run_all(*s, q)
                   == expected(
                       [](auto i, const Spec& x) {
                         return i % 4 == 1 && x.time && *x.time >= kBase + 65'000'000
                                && *x.time < kBase + 66'000'000;
                       },
                       kMany),
               boost::test_tools::per_element());
  }
  siem::test::with_engagement_db(tmp.path(), [](rocksdb::DB* db, auto& cf) {
    // Segment 0 is a table: 500 source addresses, 24 destinations, 14 users, 11 rules,
    // 3 hosts and 66 block summaries.
    BOOST_TEST(postings_keys(db, cf.at("postings"), 0) == 618U);
    BOOST_TEST(postings_keys(db, cf.at("postings"), 1) == 0U);  // segment 1: in memory
    std::string v;
    BOOST_REQUIRE(db->Get({}, cf.at("meta"), "postings_open", &v).ok());
    BOOST_TEST(siem::store::detail::get_be64(v) == 1U);
  });

  // Reopened: the open segment is rebuilt from its blocks; a reader beside the engine sees
  // what the engine writes after the reader opened.
  auto s = open(tmp.path());
  BOOST_TEST(run_all(*s, admin_query) == admins(kMany), boost::test_tools::per_element());
  StoreOptions ro_options;
  ro_options.data_dir = tmp.path();
  ro_options.read_only = true;
  auto ro = Store::open(ro_options);
  BOOST_REQUIRE_MESSAGE(ro.has_value(), ro.error().to_string());
  BOOST_TEST(run_all(**ro, admin_query) == admins(kMany), boost::test_tools::per_element());
  fill_range(*s, kMany, kMany + 3000, 500);
  BOOST_TEST(run_all(**ro, admin_query) == admins(kMany + 3000), boost::test_tools::per_element());
  ro->reset();
  s.reset();

  // A crash after a segment's table was ingested but before postings_open moved on: the
  // table is recognised, not built twice.
  siem::test::with_engagement_db(tmp.path(), [](rocksdb::DB* db, auto& cf) {
    BOOST_REQUIRE(
        db->Put({}, cf.at("meta"), "postings_open", siem::store::detail::be64_key(0)).ok());
  });
  s = open(tmp.path());
  BOOST_TEST(run_all(*s, admin_query) == admins(kMany + 3000), boost::test_tools::per_element());
  auto q = query({});
  q.from = kBase + 72'000'000;
  BOOST_TEST(run_all(*s, q).size() == 980U);  // 72000..73000 less the untimed 20
}
