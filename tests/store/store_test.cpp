#define BOOST_TEST_MODULE store
#include "siem/store/store.hpp"

#include "siem/core/ids.hpp"
#include "siem/core/incident.hpp"
#include "siem/core/time.hpp"

#include "chain.hpp"
#include "codec.hpp"
#include "encryption.hpp"
#include "engagement_db.hpp"
#include "event_block.hpp"
#include "event_index.hpp"
#include "incident_history.hpp"
#include "temp_dir.hpp"
#include <boost/test/unit_test.hpp>
#include <rocksdb/db.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <limits>
#include <stop_token>
#include <thread>

BOOST_TEST_DONT_PRINT_LOG_VALUE(siem::core::StatusCode)

using siem::store::Store;
using siem::store::StoreOptions;

namespace {

// Receive times a day before the test runs: fixed dates would start to expire under the
// default 5-year retention once the calendar passes them.
const std::int64_t kRecent = siem::core::SystemClock{}.now_ms() - 86'400'000;

auto batch(const std::string& source, std::initializer_list<std::string> lines,
           const std::string& position = {}) -> siem::core::RawBatch {
  siem::core::RawBatch b;
  b.source = source;
  b.engagement = "default";
  b.position = position;
  b.durable_position = !position.empty();
  std::int64_t t = kRecent;
  for (const auto& l : lines) {
    b.records.push_back({l, source, "p", "", t++});
  }
  return b;
}

auto open(const std::string& dir, bool read_only = false) -> std::unique_ptr<Store> {
  StoreOptions o;
  o.data_dir = dir;
  o.read_only = read_only;
  auto s = Store::open(o);
  BOOST_REQUIRE_MESSAGE(s.has_value(), s.error().to_string());
  return std::move(s).value();
}

// The meta family of the instance tamper() has open (for tampering with checkpoints).
rocksdb::ColumnFamilyHandle* tamper_meta_handle = nullptr;     // NOLINT
rocksdb::ColumnFamilyHandle* tamper_history_handle = nullptr;  // NOLINT

// Rewrites one raw block value through RocksDB directly, as an insider with database access.
void tamper(const std::string& dir, const std::function<void(rocksdb::DB*, rocksdb::ColumnFamilyHandle*)>& fn) {
  siem::test::with_engagement_db(dir, [&](rocksdb::DB* db, siem::test::Families& cf) {
    tamper_meta_handle = cf.at("meta");
    tamper_history_handle = cf.at("incident_history");
    fn(db, cf.at("raw"));
  });
}

// The records of a raw block as the insider edits them (decompressed), and back.
auto raw_get(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* raw, const std::string& key)
    -> std::string {
  std::string v;
  BOOST_REQUIRE(db->Get({}, raw, key, &v).ok());
  siem::store::detail::Zstd zstd;
  std::string records;
  BOOST_REQUIRE(siem::store::detail::raw_block_records(zstd, v, records).is_ok());
  return records;
}

void raw_put(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* raw, const std::string& key,
             const std::string& records) {
  siem::store::detail::Zstd zstd;
  std::string v;
  BOOST_REQUIRE(siem::store::detail::raw_block_value(zstd, records, v).is_ok());
  BOOST_REQUIRE(db->Put({}, raw, key, v).ok());
}

auto be64(std::uint64_t v) -> std::string {
  std::string k;
  for (int i = 7; i >= 0; --i) {
    k.push_back(static_cast<char>((v >> (i * 8)) & 0xFF));
  }
  return k;
}

}  // namespace

BOOST_AUTO_TEST_CASE(append_read_and_positions_survive_reopen) {
  siem::test::TempDir tmp;
  {
    auto store = open(tmp.path());
    auto r = store->append(batch("fw", {"line one", "line two"}, "42:100"));
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->first_seq == 1U);
    BOOST_TEST(r->hashes.size() == 2U);
    BOOST_TEST(r->hash_hex(0).size() == 64U);
    auto r2 = store->append(batch("fw", {"line three"}, "42:150"));
    BOOST_TEST(r2->first_seq == 3U);
    BOOST_TEST(store->sync().is_ok());
  }
  auto store = open(tmp.path());
  BOOST_TEST(store->last_seq("default") == 3U);
  auto rec = store->read_raw("default", 2);
  BOOST_REQUIRE(rec.has_value());
  BOOST_TEST(rec->bytes == "line two");
  BOOST_TEST(rec->source == "fw");
  BOOST_TEST(rec->ref() == "default:2");
  BOOST_TEST(store->read_raw("default", 3)->bytes == "line three");
  BOOST_TEST(!store->read_raw("default", 4).has_value());
  BOOST_TEST(!store->read_raw("nope", 1).has_value());
  BOOST_TEST(**store->source_position("default", "fw") == "42:150");
  BOOST_TEST(!store->source_position("default", "other")->has_value());
  std::vector<std::string> seen;
  BOOST_TEST(store->scan_raw("default", 2, [&](const siem::core::RawRecord& r) {
                 seen.push_back(r.bytes);
                 return true;
               }).is_ok());
  BOOST_TEST((seen == std::vector<std::string>{"line two", "line three"}));
  auto st = store->stats();
  BOOST_TEST(st->totals.raw_records == 3U);
  BOOST_TEST(st->engagements.at(0).sources.at(0).second == 3U);
}

BOOST_AUTO_TEST_CASE(events_and_processed_checkpoint) {
  siem::test::TempDir tmp;
  auto store = open(tmp.path());
  BOOST_REQUIRE(store->append(batch("s", {"a", "b"})).has_value());
  std::vector<siem::core::Event> evs(2);
  evs[0].ref = "default:1";
  evs[0].set("event.kind", "event");
  evs[1].ref = "default:2";
  evs[1].set("event.kind", "unparsed");
  BOOST_TEST(store->put_events("default", evs, 2).is_ok());
  BOOST_TEST(store->processed_seq("default") == 2U);
  auto j = store->read_event("default", 2);
  BOOST_REQUIRE(j.has_value());
  BOOST_TEST(*j == R"({"event":{"kind":"unparsed"},"siem":{"raw_ref":"default:2"}})");
  BOOST_TEST(store->stats()->totals.unparsed == 1U);
  BOOST_TEST(!store->read_event("default", 3).has_value());
  std::vector<siem::core::Event> bad(1);
  bad[0].ref = "other:1";
  BOOST_TEST(!store->put_events("default", bad, 3).is_ok());
}

BOOST_AUTO_TEST_CASE(incidents_versions_and_paging) {
  siem::test::TempDir tmp;
  auto store = open(tmp.path());
  for (int i = 0; i < 5; ++i) {
    siem::core::Incident inc;
    inc.id = "id-" + std::to_string(i);
    inc.engagement = "default";
    inc.created_at = 1000 + i;
    BOOST_TEST(store->put_incident(inc).is_ok());
  }
  siem::core::Incident again;
  again.id = "id-0";
  again.engagement = "default";
  again.created_at = 1000;
  again.version = 2;
  again.title = "updated";
  BOOST_TEST(store->put_incident(again).is_ok());
  BOOST_TEST(store->stats()->totals.incidents == 5U);
  BOOST_TEST(store->get_incident("id-0")->find("\"updated\"") != std::string::npos);
  BOOST_TEST(!store->get_incident("nope").has_value());
  auto p1 = store->list_incidents("", "", 2);
  BOOST_REQUIRE(p1.has_value());
  BOOST_TEST(p1->items.size() == 2U);
  BOOST_TEST(p1->items[0].find("\"id-4\"") != std::string::npos);  // newest first
  BOOST_REQUIRE(p1->next.has_value());
  auto p2 = store->list_incidents("", *p1->next, 2);
  BOOST_TEST(p2->items[0].find("\"id-2\"") != std::string::npos);
  auto p3 = store->list_incidents("", *p2->next, 2);
  BOOST_TEST(p3->items.size() == 1U);
  BOOST_TEST(!p3->next.has_value());
  BOOST_TEST(!store->list_incidents("", "zz", 2).has_value());
}

// Alerts are kept per engagement in the order raised, listed newest first across
// engagements, paged by cursor; storing the same alert again (a replay) overwrites it; alerts
// raised before the retention cutoff expire, unless the engagement is on hold.
BOOST_AUTO_TEST_CASE(alerts_stored_listed_replayed_and_expired) {
  siem::test::TempDir tmp;
  StoreOptions o;
  o.data_dir = tmp.path();
  o.retention_days = 1;
  auto s = Store::open(o);
  BOOST_REQUIRE(s.has_value());
  auto& store = **s;
  const std::int64_t now = siem::core::SystemClock{}.now_ms();
  const std::int64_t old = now - 3 * 86'400'000;
  auto alert = [](const std::string& id, std::int64_t at) {
    return siem::store::AlertRecord{id, at, R"({"type":"alert","id":")" + id + "\"}"};
  };
  const std::vector<siem::store::AlertRecord> a{alert("a-old", old), alert("a-1", now),
                                                alert("a-2", now + 2)};
  BOOST_REQUIRE(store.put_alerts("case-1", a).is_ok());
  const std::vector<siem::store::AlertRecord> b{alert("b-1", now + 1)};
  BOOST_REQUIRE(store.put_alerts("case-2", b).is_ok());
  BOOST_REQUIRE(store.put_alerts("case-2", b).is_ok());  // a replay: the same key
  const std::vector<siem::store::AlertRecord> nameless{alert("", now)};
  BOOST_TEST(!store.put_alerts("case-2", nameless).is_ok());

  std::vector<std::string> ids;
  std::string cursor;
  for (int page = 0; page < 5; ++page) {
    auto p = store.list_alerts("", cursor, 3);
    BOOST_REQUIRE(p.has_value());
    for (const auto& item : p->items) {
      ids.push_back(
          item.substr(item.find("\"id\":\"") + 6, item.rfind('"') - item.find("\"id\":\"") - 6));
    }
    if (!p->next) {
      break;
    }
    cursor = *p->next;
  }
  BOOST_TEST(ids == (std::vector<std::string>{"a-2", "b-1", "a-1", "a-old"}),
             boost::test_tools::per_element());
  BOOST_TEST(store.list_alerts("case-2", "", 10)->items.size() == 1U);
  BOOST_TEST(!store.list_alerts("", "zz", 3).has_value());
  BOOST_TEST(!store.list_alerts("", siem::core::to_hex("i/x"), 3).has_value());

  BOOST_REQUIRE(store.set_legal_hold("case-1", true, "Wang Wei", "litigation").is_ok());
  BOOST_REQUIRE(store.expire(now).has_value());
  BOOST_TEST(store.list_alerts("case-1", "", 10)->items.size() == 3U);  // on hold
  BOOST_REQUIRE(store.set_legal_hold("case-1", false, "Wang Wei", "").is_ok());
  BOOST_REQUIRE(store.expire(now).has_value());
  const auto left = store.list_alerts("case-1", "", 10);
  BOOST_REQUIRE(left->items.size() == 2U);
  BOOST_TEST(left->items[1].find("a-1") != std::string::npos);
}

// The history keeps every version as the members that changed; incident_history() gives
// each version back whole.
BOOST_AUTO_TEST_CASE(incident_history_as_deltas) {
  siem::test::TempDir tmp;
  std::vector<std::string> written;
  {
    auto store = open(tmp.path());
    siem::core::Incident inc;
    inc.id = "inc-h";
    inc.engagement = "default";
    inc.created_at = kRecent;
    inc.modified_at = kRecent;
    inc.title = std::string(300, 't');  // a long member that never changes
    for (int v = 1; v <= 3; ++v) {
      inc.version = v;
      inc.modified_at = kRecent + v;
      if (v == 3) {
        inc.status = "resolved";
      }
      BOOST_REQUIRE(store->put_incident(inc).is_ok());
      written.push_back(inc.to_json());
    }
    const auto versions = store->incident_history("inc-h");
    BOOST_REQUIRE_MESSAGE(versions.has_value(), versions.error().to_string());
    BOOST_REQUIRE_EQUAL(versions->size(), 3U);
    for (std::size_t i = 0; i < 3; ++i) {
      // Same members and values as written (compared as text after a round trip of both).
      BOOST_TEST(versions->at(i)
                 == siem::store::detail::apply_incident_delta(
                        "", siem::store::detail::incident_delta("", written[i]).value())
                        .value());
    }
    BOOST_TEST(versions->at(2).find("\"resolved\"") != std::string::npos);
    BOOST_TEST(versions->at(1).find("\"resolved\"") == std::string::npos);
    BOOST_TEST(store->incident_history("nope").error().code() == siem::core::StatusCode::not_found);
  }
  // Stored: the first version whole, the later ones without the unchanged title.
  std::vector<std::string> stored;
  tamper(tmp.path(), [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle*) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, tamper_history_handle));
    for (it->Seek("inc-h/"); it->Valid() && it->key().starts_with("inc-h/"); it->Next()) {
      stored.push_back(it->value().ToString());
    }
  });
  BOOST_REQUIRE_EQUAL(stored.size(), 3U);
  const std::string title(300, 't');
  BOOST_TEST(stored[0].find(title) != std::string::npos);
  BOOST_TEST(stored[1].find(title) == std::string::npos);
  BOOST_TEST(stored[2].find(title) == std::string::npos);
  BOOST_TEST(stored[2].find("resolved") != std::string::npos);
  BOOST_TEST(stored[1].size() * 3 < stored[0].size());
}

BOOST_AUTO_TEST_CASE(users_sessions_audit) {
  siem::test::TempDir tmp;
  auto store = open(tmp.path());
  siem::store::UserRecord u{"alice", "Alice Zhang", "handler", "$argon2id$x", 5, false};
  BOOST_TEST(store->add_user(u).is_ok());
  BOOST_TEST(store->add_user(u).code() == siem::core::StatusCode::already_exists);
  BOOST_TEST(store->get_user("alice")->real_name == "Alice Zhang");
  BOOST_TEST(store->user_count() == 1U);
  BOOST_TEST(store->put_session({"abc", "alice", "handler", 1, 2}).is_ok());
  BOOST_TEST(store->get_session("abc")->username == "alice");
  BOOST_TEST(store->delete_session("abc").is_ok());
  BOOST_TEST(!store->get_session("abc").has_value());
  for (int i = 0; i < 3; ++i) {
    BOOST_TEST(store->append_audit({i, "alice", "127.0.0.1", "GET", "/x" + std::to_string(i), 200, ""}).is_ok());
  }
  auto page = store->list_audit("", 2);
  BOOST_TEST(page->items.size() == 2U);
  BOOST_TEST(page->items[0].find("/x2") != std::string::npos);
  auto rest = store->list_audit(*page->next, 5);
  BOOST_TEST(rest->items.size() == 1U);
  BOOST_TEST(rest->items[0].find("/x0") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(verify_intact_and_read_only_open_beside_writer) {
  siem::test::TempDir tmp;
  auto store = open(tmp.path());
  BOOST_REQUIRE(store->append(batch("s", {"a", "b", "c"})).has_value());
  BOOST_REQUIRE(store->sync().is_ok());
  auto reader = open(tmp.path(), true);
  auto reps = reader->verify();
  BOOST_REQUIRE(reps.has_value());
  BOOST_TEST(reps->at(0).ok);
  BOOST_TEST(reps->at(0).records_checked == 3U);
  BOOST_TEST(reader->read_raw("default", 3)->bytes == "c");
}

BOOST_AUTO_TEST_CASE(verify_names_altered_missing_and_truncated_records) {
  siem::test::TempDir tmp;
  {
    auto store = open(tmp.path());
    BOOST_REQUIRE(store->append(batch("s", {"a", "b"})).has_value());
    BOOST_REQUIRE(store->append(batch("s", {"c"})).has_value());
    BOOST_REQUIRE(store->append(batch("s", {"d"})).has_value());
  }
  // Alter a byte of record 2 inside its block.
  tamper(tmp.path(), [](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* raw) {
    auto v = raw_get(db, raw, be64(1));
    BOOST_REQUIRE(v.back() == 'b');  // the last record's bytes end the block
    v.back() = 'B';
    raw_put(db, raw, be64(1), v);
  });
  {
    auto store = open(tmp.path(), true);
    auto rep = store->verify()->at(0);
    BOOST_TEST(!rep.ok);
    BOOST_TEST(rep.first_bad_seq == 2U);
    BOOST_TEST(rep.problem.find("altered") != std::string::npos);
  }
  // Delete block 3 (record 3): missing.
  tamper(tmp.path(), [](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* raw) {
    auto v = raw_get(db, raw, be64(1));
    v.back() = 'b';
    raw_put(db, raw, be64(1), v);
    BOOST_REQUIRE(db->Delete({}, raw, be64(3)).ok());
  });
  {
    auto store = open(tmp.path(), true);
    auto rep = store->verify()->at(0);
    BOOST_TEST(rep.first_bad_seq == 3U);
    BOOST_TEST(rep.problem.find("missing") != std::string::npos);
  }
  // Remove the last block: truncated tail.
  tamper(tmp.path(), [](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* raw) {
    raw_put(db, raw, be64(3), raw_get(db, raw, be64(4)));
    BOOST_REQUIRE(db->Delete({}, raw, be64(4)).ok());
  });
  {
    auto store = open(tmp.path(), true);
    auto rep = store->verify()->at(0);
    BOOST_TEST(!rep.ok);
    BOOST_TEST(rep.first_bad_seq == 3U);  // record d moved to seq 3: hash no longer links
  }
}

// Chain version 2: a record's digest may be computed before append() (on a source's thread);
// append() links the same chain either way, recomputes digests made with another hash, and
// verify() recomputes both from the stored bytes.
BOOST_AUTO_TEST_CASE(record_digests_made_before_append_link_the_same_chain) {
  namespace d = siem::store::detail;
  siem::test::TempDir tmp;
  auto store = open(tmp.path());  // SM3 by default
  auto plain = batch("s", {"alpha", "beta"});
  auto pre = batch("s", {"gamma", "delta"});
  store->digest(pre);
  BOOST_TEST(pre.digest_kind != 0);
  BOOST_TEST(d::digest_view(pre.records[0].digest)
             == d::digest_view(
                 d::record_digest(siem::store::HashAlgorithm::sm3, kRecent, "s", "p", "gamma")));
  auto wrong = batch("s", {"epsilon"});
  wrong.records[0].digest.fill(0xAB);
  wrong.digest_kind = 2;  // claims SHA-256: not this engagement's hash, so recomputed
  const auto a = store->append(plain);
  const auto b = store->append(pre);
  const auto c = store->append(wrong);
  BOOST_REQUIRE(a && b && c);
  // Each link is H(prev || seq || digest), from the zero head.
  d::Digest prev{};
  std::vector<d::Digest> links;
  for (const auto* r : {&*a, &*b, &*c}) {
    links.insert(links.end(), r->hashes.begin(), r->hashes.end());
  }
  const std::vector<std::string> lines{"alpha", "beta", "gamma", "delta", "epsilon"};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto t = kRecent + static_cast<std::int64_t>(i % 2 == 0 || i == 4 ? 0 : 1);
    prev =
        d::chain_link_v2(siem::store::HashAlgorithm::sm3, prev, i + 1,
                         d::record_digest(siem::store::HashAlgorithm::sm3, t, "s", "p", lines[i]));
    BOOST_TEST(d::digest_view(prev) == d::digest_view(links[i]), "link " << i + 1);
  }
  BOOST_REQUIRE(store->sync().is_ok());
  const auto rep = open(tmp.path(), true)->verify()->at(0);
  BOOST_TEST(rep.ok, rep.problem);
  BOOST_TEST(rep.records_checked == 5U);
}

// A ledger written before chain version 2 keeps its version-1 links and goes on in version 2
// from its next record; verify checks each part with its own version and still names an
// altered record on either side of the switch.
BOOST_AUTO_TEST_CASE(chain_version_1_ledger_continues_in_version_2) {
  namespace d = siem::store::detail;
  siem::test::TempDir tmp;
  const std::string never = be64(std::numeric_limits<std::uint64_t>::max());
  static_cast<void>(open(tmp.path())->append(batch("s", {})));  // creates the engagement
  tamper(tmp.path(), [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle*) {
    BOOST_REQUIRE(db->Put({}, tamper_meta_handle, "chain_v2_from", never).ok());
  });
  std::vector<d::Digest> v1;
  {
    auto store = open(tmp.path());
    const auto r = store->append(batch("s", {"one", "two", "three"}));
    BOOST_REQUIRE(r.has_value());
    v1 = r->hashes;
  }
  d::Digest prev{};
  const std::vector<std::string> first{"one", "two", "three"};
  for (std::size_t i = 0; i < first.size(); ++i) {
    prev = d::chain_link_v1(siem::store::HashAlgorithm::sm3, prev, i + 1,
                            kRecent + static_cast<std::int64_t>(i), "s", "p", first[i]);
    BOOST_TEST(d::digest_view(prev) == d::digest_view(v1[i]));
  }
  // What a build before version 2 leaves: no chain_v2_from at all.
  tamper(tmp.path(), [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle*) {
    BOOST_REQUIRE(db->Delete({}, tamper_meta_handle, "chain_v2_from").ok());
  });
  {
    auto store = open(tmp.path());
    auto b = batch("s", {"four", "five"});
    store->digest(b);
    const auto r = store->append(b);
    BOOST_REQUIRE(r.has_value());
    prev = d::chain_link_v2(
        siem::store::HashAlgorithm::sm3, prev, 4,
        d::record_digest(siem::store::HashAlgorithm::sm3, kRecent, "s", "p", "four"));
    BOOST_TEST(d::digest_view(prev) == d::digest_view(r->hashes[0]));
  }
  tamper(tmp.path(), [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle*) {
    std::string v;
    BOOST_REQUIRE(db->Get({}, tamper_meta_handle, "chain_v2_from", &v).ok());
    BOOST_TEST(v == be64(4));
  });
  auto verify_first_bad = [&]() {
    const auto rep = open(tmp.path(), true)->verify()->at(0);
    BOOST_TEST_MESSAGE(rep.problem);
    return rep.ok ? std::uint64_t{0} : rep.first_bad_seq;
  };
  BOOST_TEST(verify_first_bad() == 0U);
  // Alter record 2 (version 1), then restore it and alter record 5 (version 2).
  auto flip_last_byte = [&](std::uint64_t block, char from, char to) {
    tamper(tmp.path(), [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* raw) {
      auto v = raw_get(db, raw, be64(block));
      BOOST_REQUIRE(v.back() == from);
      v.back() = to;
      raw_put(db, raw, be64(block), v);
    });
  };
  flip_last_byte(1, 'e', 'E');  // "three" is record 3, the block's last
  BOOST_TEST(verify_first_bad() == 3U);
  flip_last_byte(1, 'E', 'e');
  flip_last_byte(4, 'e', 'E');  // "five"
  BOOST_TEST(verify_first_bad() == 5U);
  // Moving the switch point is a rewrite too: the links no longer match.
  flip_last_byte(4, 'E', 'e');
  tamper(tmp.path(), [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle*) {
    BOOST_REQUIRE(db->Put({}, tamper_meta_handle, "chain_v2_from", be64(3)).ok());
  });
  BOOST_TEST(verify_first_bad() == 3U);
}

BOOST_AUTO_TEST_CASE(bad_names_and_locked_directory) {
  siem::test::TempDir tmp;
  auto store = open(tmp.path());
  auto b = batch("s", {"x"});
  b.engagement = "../evil";
  BOOST_TEST(store->append(b).error().code() == siem::core::StatusCode::invalid_argument);
  StoreOptions o;
  o.data_dir = tmp.path();
  auto second = Store::open(o);
  BOOST_REQUIRE(!second.has_value());
  BOOST_TEST(second.error().code() == siem::core::StatusCode::unavailable);
  BOOST_TEST(std::string{second.error().message()}.find("in use") != std::string::npos);
}

namespace {

// Every file under `dir` (key files aside) whose bytes contain `needle`.
auto files_containing(const std::string& dir, const std::string& needle) -> std::vector<std::string> {
  std::vector<std::string> hits;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().parent_path().filename() == "keys") {
      continue;
    }
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.find(needle) != std::string::npos) {
      hits.push_back(entry.path().string());
    }
  }
  return hits;
}

auto open_with(const std::string& dir, siem::store::Cipher cipher)
    -> siem::core::Result<std::unique_ptr<Store>> {
  StoreOptions o;
  o.data_dir = dir;
  o.encryption = cipher;
  return Store::open(o);
}

/// An encrypted store in `dir` holding one record, "a line", synced and closed again.
void encrypted_store_with_one_record(const std::string& dir) {
  auto s = open_with(dir, siem::store::Cipher::aes_256_ctr);
  BOOST_REQUIRE(s.has_value());
  BOOST_REQUIRE((*s)->append(batch("fw", {"a line"})).has_value());
  BOOST_REQUIRE((*s)->sync().is_ok());
}

}  // namespace

// A distinctive raw line appears in no file under the data directory (WAL, SST, MANIFEST,
// LOG), for both ciphers, whether it sits in the WAL or was flushed to a table on reopen;
// and the store reads it back and verifies.
BOOST_AUTO_TEST_CASE(encrypted_at_rest_no_plaintext_in_any_file) {
  for (const auto cipher : {siem::store::Cipher::aes_256_ctr, siem::store::Cipher::sm4_ctr}) {
    siem::test::TempDir tmp;
    const std::string secret = "DISTINCTIVE-raw-line-7f3a9c-user=zhangsan-src=10.9.8.7";
    {
      auto s = open_with(tmp.path(), cipher);
      BOOST_REQUIRE_MESSAGE(s.has_value(), s.error().to_string());
      BOOST_REQUIRE((*s)->append(batch("fw", {secret, secret + "-2"})).has_value());
      BOOST_REQUIRE((*s)->sync().is_ok());
      BOOST_TEST(files_containing(tmp.path(), "DISTINCTIVE").empty());
    }
    for (int round = 0; round < 2; ++round) {  // reopen: WAL recovery writes a table file
      auto s = open_with(tmp.path(), cipher);
      BOOST_REQUIRE_MESSAGE(s.has_value(), s.error().to_string());
      BOOST_TEST((*s)->read_raw("default", 1).value().bytes == secret);
      BOOST_REQUIRE((*s)->append(batch("fw", {secret + "-more"})).has_value());
      BOOST_REQUIRE((*s)->sync().is_ok());
      const auto reports = (*s)->verify();
      BOOST_REQUIRE(reports.has_value());
      BOOST_TEST(reports->at(0).ok);
    }
    const auto hits = files_containing(tmp.path(), "DISTINCTIVE");
    BOOST_TEST(hits.empty(), "plaintext found in " << (hits.empty() ? "" : hits.front()));
    std::size_t tables = 0;
    for (const auto& e : std::filesystem::directory_iterator(tmp.path() + "/engagements/default")) {
      tables += e.path().extension() == ".sst" ? 1 : 0;
    }
    BOOST_TEST(tables > 0U);  // the check above covered table files, not only the WAL
    std::ifstream marker(tmp.path() + "/engagements/default/ENCRYPTION");
    std::string line;
    std::getline(marker, line);
    BOOST_TEST(line == "cipher=" + std::string{siem::store::detail::cipher_name(cipher)});
  }
  // Control: without encryption the same line is found (zstd keeps a line seen once as a
  // literal), so the checks above can fail.
  siem::test::TempDir plain;
  {
    auto s = open_with(plain.path(), siem::store::Cipher::none);
    BOOST_REQUIRE(s.has_value());
    BOOST_REQUIRE(
        (*s)->append(batch("fw", {"DISTINCTIVE-raw-line-7f3a9c-user=zhangsan"})).has_value());
    BOOST_REQUIRE((*s)->sync().is_ok());
  }
  BOOST_TEST(!files_containing(plain.path(), "DISTINCTIVE").empty());
}

// A batch of more than 64 MiB is stored as several blocks, each of which reads back.
BOOST_AUTO_TEST_CASE(large_batches_are_split_into_blocks) {
  siem::test::TempDir tmp;
  const std::string big(30U << 20, 'x');
  {
    auto store = open(tmp.path());
    auto b = batch("s", {"small-1"});
    for (int i = 0; i < 3; ++i) {
      b.records.push_back({big + std::to_string(i), "s", "p", "", kRecent});
    }
    b.records.push_back({"small-5", "s", "p", "", kRecent});
    BOOST_REQUIRE(store->append(b).has_value());
    BOOST_REQUIRE(store->sync().is_ok());
  }
  std::size_t blocks = 0;
  tamper(tmp.path(), [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* raw) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, raw));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++blocks;
    }
  });
  BOOST_TEST(blocks == 2U);  // records 1-3 (small + two of 30 MiB), then 4-5
  auto store = open(tmp.path(), true);
  BOOST_TEST(store->read_raw("default", 1).value().bytes == "small-1");
  BOOST_TEST(store->read_raw("default", 4).value().bytes == big + "2");
  BOOST_TEST(store->read_raw("default", 5).value().bytes == "small-5");
  const auto rep = store->verify()->at(0);
  BOOST_TEST(rep.ok, rep.problem);
  BOOST_TEST(rep.records_checked == 5U);
}

// Raw blocks written before schema 2 (uncompressed, hashes as hex) are still read and
// verified.
BOOST_AUTO_TEST_CASE(schema_1_raw_blocks_still_read_and_verify) {
  siem::test::TempDir tmp;
  std::string hash2;
  {
    auto store = open(tmp.path());
    BOOST_REQUIRE(store->append(batch("s", {"first", "second"})).has_value());
    BOOST_REQUIRE(store->append(batch("s", {"third"})).has_value());
    hash2 = store->read_raw("default", 2).value().hash;
  }
  tamper(tmp.path(), [](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* raw) {
    const auto records = raw_get(db, raw, be64(1));
    siem::store::detail::Reader r(records);
    std::string v1;
    const auto count = r.varint();
    siem::store::detail::put_varint(v1, count);
    for (std::uint64_t i = 0; i < count; ++i) {
      siem::store::detail::put_varint(v1, r.varint());
      for (int k = 0; k < 3; ++k) {
        siem::store::detail::put_lp(v1, r.lp());
      }
      siem::store::detail::put_lp(v1, siem::core::to_hex(r.bytes(32)));
      siem::store::detail::put_lp(v1, r.lp());
    }
    BOOST_REQUIRE(r.ok() && r.done());
    BOOST_REQUIRE(db->Put({}, raw, be64(1), v1).ok());
  });
  auto store = open(tmp.path(), true);
  const auto rec = store->read_raw("default", 2);
  BOOST_REQUIRE(rec.has_value());
  BOOST_TEST(rec->bytes == "second");
  BOOST_TEST(rec->hash == hash2);
  const auto rep = store->verify()->at(0);
  BOOST_TEST(rep.ok, rep.problem);
  BOOST_TEST(rep.records_checked == 3U);
}

// A wrong key says "wrong key", both when the instance's ENCRYPTION file names the key id
// and when only the files' prefixes can tell; a missing key says where it was looked for.
BOOST_AUTO_TEST_CASE(wrong_or_missing_key_is_named) {
  siem::test::TempDir tmp;
  encrypted_store_with_one_record(tmp.path());
  const std::string key_file = tmp.path() + "/keys/default.key";
  std::string good;
  std::getline(std::ifstream(key_file), good);
  BOOST_TEST(good.size() == 64U);
  const auto perms = std::filesystem::status(key_file).permissions();
  BOOST_TEST(((perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all))
              == std::filesystem::perms::none));
  std::ofstream(key_file, std::ios::trunc) << std::string(64, 'a') << "\n";
  auto s = open_with(tmp.path(), siem::store::Cipher::aes_256_ctr);
  BOOST_REQUIRE(!s.has_value());
  BOOST_TEST(s.error().message().find("wrong key") != std::string::npos, s.error().message());

  // Without the key id in ENCRYPTION, RocksDB's first read meets the file prefix.
  std::ofstream(tmp.path() + "/engagements/default/ENCRYPTION", std::ios::trunc)
      << "cipher=aes-256-ctr\n";
  s = open_with(tmp.path(), siem::store::Cipher::aes_256_ctr);
  BOOST_REQUIRE(!s.has_value());
  BOOST_TEST(s.error().message().find("wrong key") != std::string::npos, s.error().message());

  // The right key from the environment wins over the file.
  ::setenv("SIEM_KEY_DEFAULT", good.c_str(), 1);
  s = open_with(tmp.path(), siem::store::Cipher::aes_256_ctr);
  ::unsetenv("SIEM_KEY_DEFAULT");
  BOOST_REQUIRE_MESSAGE(s.has_value(), s.error().to_string());
  BOOST_TEST((*s)->read_raw("default", 1).value().bytes == "a line");
  s = siem::core::Result<std::unique_ptr<Store>>{siem::core::invalid_argument("closed")};

  std::filesystem::remove(key_file);
  s = open_with(tmp.path(), siem::store::Cipher::aes_256_ctr);
  BOOST_REQUIRE(!s.has_value());
  BOOST_TEST(s.error().code() == siem::core::StatusCode::not_found);
  BOOST_TEST(s.error().message().find("SIEM_KEY_DEFAULT") != std::string::npos);
  BOOST_TEST(s.error().message().find(key_file) != std::string::npos);
}

// An ENCRYPTION file naming a cipher this build does not know is refused, naming the value.
BOOST_AUTO_TEST_CASE(unknown_cipher_in_the_marker_is_refused) {
  siem::test::TempDir tmp;
  encrypted_store_with_one_record(tmp.path());
  std::ofstream(tmp.path() + "/engagements/default/ENCRYPTION", std::ios::trunc)
      << "cipher=rot13\n";
  auto s = open_with(tmp.path(), siem::store::Cipher::aes_256_ctr);
  BOOST_REQUIRE(!s.has_value());
  BOOST_TEST(
      s.error().message().find("'rot13' is not none, aes-256-ctr or sm4-ctr") != std::string::npos,
      s.error().message());
}

// An instance keeps the cipher it was created with: an unencrypted store still opens when
// encryption is switched on, and only engagements created afterwards are encrypted.
BOOST_AUTO_TEST_CASE(existing_instances_keep_their_cipher) {
  siem::test::TempDir tmp;
  {
    auto s = open_with(tmp.path(), siem::store::Cipher::none);
    BOOST_REQUIRE(s.has_value());
    BOOST_REQUIRE((*s)->append(batch("fw", {"PLAIN-visible-line"})).has_value());
    BOOST_REQUIRE((*s)->sync().is_ok());
  }
  BOOST_TEST(!files_containing(tmp.path(), "PLAIN-visible").empty());
  auto s = open_with(tmp.path(), siem::store::Cipher::sm4_ctr);
  BOOST_REQUIRE_MESSAGE(s.has_value(), s.error().to_string());
  BOOST_TEST((*s)->read_raw("default", 1).value().bytes == "PLAIN-visible-line");
  auto b = batch("fw", {"SECRET-new-engagement-line"});
  b.engagement = "case-2";
  BOOST_REQUIRE((*s)->append(b).has_value());
  BOOST_REQUIRE((*s)->sync().is_ok());
  BOOST_TEST(files_containing(tmp.path(), "SECRET-new").empty());
  BOOST_TEST(std::filesystem::exists(tmp.path() + "/keys/case-2.key"));
  BOOST_TEST(!std::filesystem::exists(tmp.path() + "/engagements/default/ENCRYPTION"));
}

// Backup and restore round trip: the restored store verifies, holds exactly what was there at
// backup time (a later backup into the same directory adds what came since), the backup
// holds no plaintext, and restoring needs the data keys and an empty target.
BOOST_AUTO_TEST_CASE(backup_restore_round_trip) {
  siem::test::TempDir tmp;
  const std::string data = tmp.path() + "/data";
  const std::string backup = tmp.path() + "/backup";
  const std::string keys = data + "/keys";
  {
    auto s = open_with(data, siem::store::Cipher::aes_256_ctr);
    BOOST_REQUIRE(s.has_value());
    BOOST_REQUIRE((*s)->append(batch("fw", {"BACKUP-line-1", "BACKUP-line-2", "BACKUP-line-3"})).has_value());
    auto b = batch("ids", {"BACKUP-case2-a", "BACKUP-case2-b"});
    b.engagement = "case-2";
    BOOST_REQUIRE((*s)->append(b).has_value());
    BOOST_REQUIRE((*s)->add_user({"alice", "Alice Zhang", "handler", "$argon2id$x", 1, false}).is_ok());
    BOOST_REQUIRE((*s)->sync().is_ok());
    const auto written = (*s)->backup(backup);
    BOOST_REQUIRE_MESSAGE(written.has_value(), written.error().to_string());
    BOOST_REQUIRE(written->size() == 3U);  // system, case-2, default
    BOOST_TEST(written->at(2).instance == "default");
    BOOST_TEST(written->at(2).records == 3U);
    BOOST_REQUIRE((*s)->append(batch("fw", {"BACKUP-line-4-after"})).has_value());
    BOOST_REQUIRE((*s)->sync().is_ok());
  }
  BOOST_TEST(files_containing(backup, "BACKUP-").empty());

  auto restore_to = [&](const std::string& dir) {
    StoreOptions o;
    o.data_dir = dir;
    o.key_dir = keys;
    return Store::restore(backup, o);
  };
  const std::string restored = tmp.path() + "/restored";
  const auto st = restore_to(restored);
  BOOST_REQUIRE_MESSAGE(st.is_ok(), st.to_string());
  {
    StoreOptions o;
    o.data_dir = restored;
    o.key_dir = keys;
    auto s = Store::open(o);
    BOOST_REQUIRE_MESSAGE(s.has_value(), s.error().to_string());
    const auto reports = (*s)->verify();
    BOOST_REQUIRE(reports.has_value());
    BOOST_REQUIRE(reports->size() == 2U);
    for (const auto& r : *reports) {
      BOOST_TEST(r.ok, r.engagement << ": " << r.problem);
    }
    BOOST_TEST((*s)->last_seq("default") == 3U);
    BOOST_TEST((*s)->last_seq("case-2") == 2U);
    BOOST_TEST((*s)->read_raw("default", 3).value().bytes == "BACKUP-line-3");
    BOOST_TEST((*s)->get_user("alice").value().real_name == "Alice Zhang");
    // The restore and the backup it came from are both in the restored audit trail.
    const auto audit = (*s)->list_audit("", 10).value();
    BOOST_REQUIRE(audit.items.size() >= 2U);
    BOOST_TEST(audit.items.at(0).find(R"("method":"restore")") != std::string::npos);
    BOOST_TEST(audit.items.at(1).find(R"("method":"backup")") != std::string::npos);
  }
  // Restoring over a store is refused; without the keys it says which key is missing.
  BOOST_TEST(restore_to(restored).code() == siem::core::StatusCode::already_exists);
  {
    StoreOptions o;
    o.data_dir = tmp.path() + "/nokeys";
    o.key_dir = tmp.path() + "/empty-keys";
    const auto missing = Store::restore(backup, o);
    BOOST_TEST(missing.code() == siem::core::StatusCode::not_found);
    BOOST_TEST(missing.message().find("no data key for 'system'") != std::string::npos,
               missing.message());
  }
  // A second backup into the same directory brings the fourth record.
  {
    auto s = open_with(data, siem::store::Cipher::aes_256_ctr);
    BOOST_REQUIRE(s.has_value());
    BOOST_REQUIRE((*s)->backup(backup).has_value());
  }
  const std::string restored2 = tmp.path() + "/restored2";
  BOOST_REQUIRE(restore_to(restored2).is_ok());
  StoreOptions o;
  o.data_dir = restored2;
  o.key_dir = keys;
  auto s = Store::open(o);
  BOOST_REQUIRE(s.has_value());
  BOOST_TEST((*s)->last_seq("default") == 4U);
  BOOST_TEST((*s)->read_raw("default", 4).value().bytes == "BACKUP-line-4-after");
  BOOST_TEST((*s)->verify().value().at(1).ok);
}

// Purge destroys the key first (a backup made before can no longer be restored), then the
// data; the certificate holds the counts and the final chain head, verifies with the
// installation's key, and fails to verify once altered. Other engagements are untouched.
BOOST_AUTO_TEST_CASE(purge_shreds_key_data_and_backups_with_signed_certificate) {
  siem::test::TempDir tmp;
  const std::string data = tmp.path() + "/data";
  std::string head;
  {
    auto s = open_with(data, siem::store::Cipher::sm4_ctr);
    BOOST_REQUIRE(s.has_value());
    auto b = batch("fw", {"PURGE-me-1", "PURGE-me-2"});
    b.engagement = "case-9";
    const auto appended = (*s)->append(b);
    BOOST_REQUIRE(appended.has_value());
    head = appended->hash_hex(appended->hashes.size() - 1);
    BOOST_REQUIRE((*s)->append(batch("fw", {"KEEP-me"})).has_value());
    BOOST_REQUIRE((*s)->sync().is_ok());
    BOOST_REQUIRE((*s)->backup(tmp.path() + "/backup").has_value());

    BOOST_TEST((*s)->purge("no-such", "Wang Wei").error().code()
               == siem::core::StatusCode::not_found);
    const auto cert = (*s)->purge("case-9", "Wang Wei");
    BOOST_REQUIRE_MESSAGE(cert.has_value(), cert.error().to_string());
    for (const std::string& want : std::vector<std::string>{
             R"("engagement":"case-9")", R"("operator":"Wang Wei")", R"("raw_records":2)",
          R"("last_seq":2)", R"("chain_head":")" + head + "\"", R"("hash_alg":"sm3")",
          R"("cipher":"sm4-ctr")", R"("data_key":"overwritten and deleted: )"}) {
      BOOST_TEST(cert->json.find(want) != std::string::npos, want << " in " << cert->json);
    }
    std::string on_disk;
    std::getline(std::ifstream(cert->path), on_disk);
    BOOST_TEST(on_disk == cert->json);
    const auto signer = Store::verify_certificate(cert->json);
    BOOST_REQUIRE_MESSAGE(signer.has_value(), signer.error().to_string());
    BOOST_TEST(Store::verify_certificate(cert->json, *signer).has_value());
    BOOST_TEST(!Store::verify_certificate(cert->json, std::string(64, '0')).has_value());
    std::string forged = cert->json;
    forged.replace(forged.find(R"("raw_records":2)"), 15, R"("raw_records":1)");
    BOOST_TEST(Store::verify_certificate(forged).error().code()
               == siem::core::StatusCode::corruption);

    BOOST_TEST(!std::filesystem::exists(data + "/engagements/case-9"));
    BOOST_TEST(!std::filesystem::exists(data + "/keys/case-9.key"));
    BOOST_TEST((*s)->engagements() == std::vector<std::string>{"default"});
    BOOST_TEST((*s)->read_raw("default", 1).value().bytes == "KEEP-me");
    const auto audit = (*s)->list_audit("", 10);
    BOOST_REQUIRE(audit.has_value());
    BOOST_TEST(audit->items.at(0).find(R"("method":"purge")") != std::string::npos);
  }
  // The backup taken before the purge can no longer be restored: its key is gone.
  StoreOptions o;
  o.data_dir = tmp.path() + "/restored";
  o.key_dir = data + "/keys";
  const auto st = Store::restore(tmp.path() + "/backup", o);
  BOOST_TEST(st.code() == siem::core::StatusCode::not_found);
  BOOST_TEST(st.message().find("no data key for 'case-9'") != std::string::npos, st.message());
  // Reopening the store after the purge finds only what is left.
  auto s = open_with(data, siem::store::Cipher::sm4_ctr);
  BOOST_REQUIRE(s.has_value());
  BOOST_TEST((*s)->engagements() == std::vector<std::string>{"default"});
  BOOST_TEST((*s)->verify().value().at(0).ok);
}

namespace {

auto count_lines(const std::string& file) -> std::size_t {
  std::ifstream in(file);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) {
    n += line.empty() ? 0 : 1;
  }
  return n;
}

// Appends the same batches as `fill` would, with record `forged` (1-based, 0 for none)
// replaced, into a fresh store at `dir` sharing `keys`: what an insider holding every key
// would build to replace the engagement's history, checkpoints re-signed and all.
void fill(const std::string& dir, const std::string& keys, std::size_t first_batch,
          std::size_t second_batch, std::size_t forged) {
  StoreOptions o;
  o.data_dir = dir;
  o.key_dir = keys;
  auto s = Store::open(o);
  BOOST_REQUIRE_MESSAGE(s.has_value(), s.error().to_string());
  std::size_t n = 0;
  for (const auto size : {first_batch, second_batch}) {
    if (size == 0) {
      continue;
    }
    siem::core::RawBatch b = batch("fw", {});
    for (std::size_t i = 0; i < size; ++i) {
      ++n;
      b.records.push_back({(n == forged ? "forged-" : "orig-") + std::to_string(n), "fw", "p", "",
                           kRecent + static_cast<std::int64_t>(n)});
    }
    BOOST_REQUIRE((*s)->append(b).has_value());
    BOOST_REQUIRE((*s)->sync().is_ok());
    BOOST_REQUIRE((*s)->checkpoint("default").value().has_value());
  }
}

void replace_engagement(const std::string& from_data, const std::string& to_data) {
  const std::string to = to_data + "/engagements/default";
  std::filesystem::remove_all(to);
  std::filesystem::copy(from_data + "/engagements/default", to,
                        std::filesystem::copy_options::recursive);
}

auto verify_default(const std::string& data, const std::string& keys, const std::string& anchors)
    -> siem::store::VerifyReport {
  StoreOptions o;
  o.data_dir = data;
  o.key_dir = keys;
  o.read_only = true;
  auto s = Store::open(o);
  BOOST_REQUIRE_MESSAGE(s.has_value(), s.error().to_string());
  auto reports = (*s)->verify("default", anchors);
  BOOST_REQUIRE_MESSAGE(reports.has_value(), reports.error().to_string());
  return reports->at(0);
}

}  // namespace

// Signed checkpoints are stored and published; verify checks both. An insider who rewrites
// record 3 and re-chains and re-signs everything with the engagement's own keys passes the
// stored checkpoints, but not the heads published before the rewrite; nor does a truncated
// tail.
BOOST_AUTO_TEST_CASE(published_anchors_catch_resigned_rewrite_and_truncation) {
  siem::test::TempDir tmp;
  const std::string keys = tmp.path() + "/keys";
  const std::string data = tmp.path() + "/data";
  const std::string anchors = data + "/anchors.jsonl";
  fill(data, keys, 5, 3, 0);
  BOOST_TEST(count_lines(anchors) == 2U);
  auto rep = verify_default(data, keys, anchors);
  BOOST_TEST(rep.ok, rep.problem);
  BOOST_TEST(rep.records_checked == 8U);
  BOOST_TEST(rep.checkpoints_checked == 2U);
  BOOST_TEST(rep.anchors_checked == 2U);

  // The rewrite: internally consistent, signed with the right key.
  fill(tmp.path() + "/forged", keys, 5, 3, 3);
  replace_engagement(tmp.path() + "/forged", data);
  rep = verify_default(data, keys, "");
  BOOST_TEST(rep.ok, "without the anchors the rewrite passes: " << rep.problem);
  BOOST_TEST(rep.checkpoints_checked == 2U);
  rep = verify_default(data, keys, anchors);
  BOOST_TEST(!rep.ok);
  BOOST_TEST(rep.first_bad_seq == 5U);
  BOOST_TEST(rep.problem.find("published anchor at record 5 does not match the ledger")
                 != std::string::npos,
             rep.problem);

  // Truncation to the first five records (again consistent and re-signed on its own).
  fill(tmp.path() + "/short", keys, 5, 0, 0);
  replace_engagement(tmp.path() + "/short", data);
  BOOST_TEST(verify_default(data, keys, "").ok);
  rep = verify_default(data, keys, anchors);
  BOOST_TEST(!rep.ok);
  BOOST_TEST(rep.problem.find("covers record 8 but the ledger ends at 5") != std::string::npos,
             rep.problem);

  // A forged anchor line is refused by its signature.
  {
    std::ifstream in(anchors);
    std::string first;
    std::getline(in, first);
    const auto at = first.find("\"head\":\"") + 8;
    first[at] = first[at] == 'a' ? 'b' : 'a';
    std::ofstream(tmp.path() + "/bad-anchors.jsonl") << first << "\n";
  }
  replace_engagement(tmp.path() + "/forged", data);
  rep = verify_default(data, keys, tmp.path() + "/bad-anchors.jsonl");
  BOOST_TEST(!rep.ok);
  BOOST_TEST(rep.problem.find("invalid signature") != std::string::npos, rep.problem);
}

// sync() writes a checkpoint once checkpoint_records records have come since the last one.
BOOST_AUTO_TEST_CASE(sync_checkpoints_by_record_count) {
  siem::test::TempDir tmp;
  StoreOptions o;
  o.data_dir = tmp.path();
  o.checkpoint_records = 3;
  o.checkpoint_interval_ms = 3'600'000;
  const std::string anchors = tmp.path() + "/anchors.jsonl";
  {
    auto s = Store::open(o);
    BOOST_REQUIRE(s.has_value());
    BOOST_REQUIRE((*s)->append(batch("fw", {"a", "b"})).has_value());
    BOOST_REQUIRE((*s)->sync().is_ok());
    BOOST_TEST(count_lines(anchors) == 0U);
    BOOST_REQUIRE((*s)->append(batch("fw", {"c", "d"})).has_value());
    BOOST_REQUIRE((*s)->sync().is_ok());
    BOOST_TEST(count_lines(anchors) == 1U);
    BOOST_REQUIRE((*s)->append(batch("fw", {"e"})).has_value());
    BOOST_REQUIRE((*s)->sync().is_ok());
    BOOST_TEST(count_lines(anchors) == 1U);
  }  // closing anchors the tail
  BOOST_TEST(count_lines(anchors) == 2U);
  std::ifstream in(anchors);
  std::string line;
  std::getline(in, line);
  BOOST_TEST(line.find(R"("seq":4)") != std::string::npos, line);
  std::getline(in, line);
  BOOST_TEST(line.find(R"("seq":5)") != std::string::npos, line);
  BOOST_TEST(std::filesystem::exists(tmp.path() + "/keys/default.sign"));
}

// Two records swapped directly in RocksDB (blocks 3 and 4 exchanged): verify names the first.
BOOST_AUTO_TEST_CASE(verify_names_reordered_records) {
  siem::test::TempDir tmp;
  {
    auto store = open(tmp.path());
    for (const char* line : {"first", "second", "third", "fourth", "fifth"}) {
      BOOST_REQUIRE(store->append(batch("s", {line})).has_value());
    }
  }
  tamper(tmp.path(), [](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* raw) {
    std::string three;
    std::string four;
    BOOST_REQUIRE(db->Get({}, raw, be64(3), &three).ok());
    BOOST_REQUIRE(db->Get({}, raw, be64(4), &four).ok());
    BOOST_REQUIRE(db->Put({}, raw, be64(3), four).ok());
    BOOST_REQUIRE(db->Put({}, raw, be64(4), three).ok());
  });
  auto store = open(tmp.path(), true);
  const auto rep = store->verify()->at(0);
  BOOST_TEST(!rep.ok);
  BOOST_TEST(rep.first_bad_seq == 3U);
  BOOST_TEST(rep.records_checked == 2U);
  BOOST_TEST(rep.problem.find("altered or reordered") != std::string::npos, rep.problem);
}

// Retention: whole blocks older than the cutoff expire after a signed, published expiry
// checkpoint; verify then reports the expiry and checks the chain on from its head; a legal
// hold stops expiry; a forged expiry checkpoint is caught.
BOOST_AUTO_TEST_CASE(retention_expires_whole_old_blocks_after_signed_checkpoint) {
  siem::test::TempDir tmp;
  const std::int64_t now = 1'800'000'000'000;
  const std::int64_t day = 86'400'000;
  auto dated = [](std::initializer_list<std::string> lines, std::int64_t t) {
    auto b = batch("fw", lines);
    for (auto& r : b.records) {
      r.received_at = t++;
    }
    return b;
  };
  StoreOptions o;
  o.data_dir = tmp.path();
  o.retention_days = 1825;
  auto opened = Store::open(o);
  BOOST_REQUIRE(opened.has_value());
  auto& s = **opened;
  for (int i = 0; i < 3; ++i) {  // the trail's oldest entries
    BOOST_REQUIRE(
        s.append_audit({now - 2000 * day + i, "old-operator", "local", "GET", "/x", 200, ""})
            .is_ok());
  }
  BOOST_REQUIRE(s.append(dated({"old-1", "old-2", "old-3"}, now - 2000 * day)).has_value());
  BOOST_REQUIRE(s.append(dated({"old-4", "old-5"}, now - 1900 * day)).has_value());
  auto mixed = dated({"mixed-6", "new-7"}, now - 1826 * day);
  mixed.records[1].received_at = now - 100 * day;
  BOOST_REQUIRE(s.append(mixed).has_value());
  BOOST_REQUIRE(s.set_legal_hold("default", true, "Li Na", "case 2026-17 in court").is_ok());
  BOOST_REQUIRE(s.append(dated({"new-8"}, now - day)).has_value());
  BOOST_REQUIRE(s.sync().is_ok());
  // Incidents: one last changed 2000 days ago (two versions), one opened then but changed
  // 10 days ago, one recent; audit entries from 2000 days ago and one from yesterday.
  auto incident = [&](const std::string& id, std::int64_t created, std::int64_t modified,
                      int version) {
    siem::core::Incident inc;
    inc.engagement = "default";
    inc.id = id;
    inc.title = id;
    inc.created_at = created;
    inc.modified_at = modified;
    inc.version = version;
    BOOST_REQUIRE(s.put_incident(inc).is_ok());
  };
  incident("inc-old", now - 2000 * day, now - 2000 * day, 1);
  incident("inc-old", now - 2000 * day, now - 1999 * day, 2);
  incident("inc-reopened", now - 2000 * day, now - 10 * day, 1);
  incident("inc-new", now - day, now - day, 1);
  BOOST_REQUIRE(
      s.append_audit({now - day, "recent-operator", "local", "GET", "/y", 200, ""}).is_ok());
  const auto audit_has = [&](const std::string& needle) {
    const auto page = s.list_audit("", 1000);
    BOOST_REQUIRE(page.has_value());
    return std::any_of(page->items.begin(), page->items.end(),
                       [&](const std::string& e) { return e.find(needle) != std::string::npos; });
  };

  BOOST_TEST(s.expire(now).value().empty());  // on hold: nothing expires
  BOOST_TEST(s.read_raw("default", 1).has_value());
  BOOST_TEST(s.get_incident("inc-old").has_value());
  BOOST_TEST(audit_has("old-operator"));  // the shared audit trail waits for every hold
  BOOST_REQUIRE(s.set_legal_hold("default", false, "Li Na", "released").is_ok());
  auto expired = s.expire(now);
  BOOST_REQUIRE_MESSAGE(expired.has_value(), expired.error().to_string());
  BOOST_REQUIRE(expired->size() == 1U);
  // The third block is not wholly older than 5 years (its second record is 100 days old).
  BOOST_TEST(expired->at(0).second == 5U);
  BOOST_TEST(s.read_raw("default", 5).error().code() == siem::core::StatusCode::not_found);
  BOOST_TEST(s.read_raw("default", 6).value().bytes == "mixed-6");
  BOOST_TEST(s.stats().value().totals.raw_records == 3U);
  // The incident last changed 2000 days ago went with its history; the others stay.
  BOOST_TEST(s.get_incident("inc-old").error().code() == siem::core::StatusCode::not_found);
  BOOST_TEST(s.get_incident("inc-reopened").has_value());
  BOOST_TEST(s.get_incident("inc-new").has_value());
  BOOST_TEST(s.stats().value().totals.incidents == 2U);
  BOOST_TEST(s.list_incidents("default", "", 10).value().items.size() == 2U);
  BOOST_TEST(!audit_has("old-operator"));
  BOOST_TEST(audit_has("recent-operator"));
  BOOST_TEST(audit_has("1 incidents last changed before"));
  BOOST_TEST(audit_has("3 audit entries before"));
  BOOST_TEST(s.expire(now).value().empty());  // nothing more to do
  auto rep = s.verify("default", tmp.path() + "/anchors.jsonl").value().at(0);
  BOOST_TEST(rep.ok, rep.problem);
  BOOST_TEST(rep.expired_through == 5U);
  BOOST_TEST(rep.records_checked == 3U);
  std::ifstream in(tmp.path() + "/anchors.jsonl");
  const std::string anchors((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  BOOST_TEST(anchors.find(R"("expiry":"ledger","engagement":"default","seq":5)") != std::string::npos);
  BOOST_TEST(audit_has("legal-hold-off"));
  opened->reset();

  // An insider moves the expiry on to hide record 6: the signature no longer matches.
  tamper(tmp.path(), [](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* raw) {
    auto* meta = tamper_meta_handle;
    std::string v;
    BOOST_REQUIRE(db->Get({}, meta, "expiry", &v).ok());
    v.replace(v.find(R"("seq":5)"), 7, R"("seq":6)");
    BOOST_REQUIRE(db->Put({}, meta, "expiry", v).ok());
    BOOST_REQUIRE(db->DeleteRange({}, raw, be64(0), be64(8)).ok());
  });
  auto reopened = open(tmp.path(), true);
  rep = reopened->verify().value().at(0);
  BOOST_TEST(!rep.ok);
  BOOST_TEST(rep.problem.find("expiry checkpoint is malformed or its signature is invalid")
                 != std::string::npos,
             rep.problem);
}

// The engine expires on a thread of its own while the ledger writer appends. The expiry is
// held inside its read of the old blocks (the test hook) while appends and group commits
// must still go through; then exactly the old blocks go, every new record stays and the chain
// verifies on from the expiry. A stop requested during the read writes nothing.
BOOST_AUTO_TEST_CASE(retention_runs_while_the_ledger_is_appended_to) {
  siem::test::TempDir tmp;
  const std::int64_t now = siem::core::SystemClock{}.now_ms();
  const std::int64_t day = 86'400'000;
  int blocks_read = 0;
  std::function<void()> at_second_block = [] {
  };
  StoreOptions o;
  o.data_dir = tmp.path();
  o.retention_days = 1;
  o.expiry_block_hook = [&](std::string_view, std::uint64_t) {
    if (++blocks_read == 2) {
      at_second_block();
    }
  };
  auto opened = Store::open(o);
  BOOST_REQUIRE(opened.has_value());
  auto& s = **opened;
  auto block = [](std::int64_t t, int n) {
    siem::core::RawBatch b;
    b.source = "fw";
    b.engagement = "default";
    for (int i = 0; i < n; ++i) {
      b.records.push_back(
          {"line " + std::to_string(t) + "/" + std::to_string(i), "fw", "p", "", t + i});
    }
    return b;
  };
  constexpr int kOldBlocks = 40;
  constexpr int kPerBlock = 500;
  for (int i = 0; i < kOldBlocks; ++i) {
    BOOST_REQUIRE(s.append(block(now - 10 * day + i * kPerBlock, kPerBlock)).has_value());
  }
  // The newest block, which always stays, is already a new one: all old blocks can go.
  BOOST_REQUIRE(s.append(block(now, kPerBlock)).has_value());
  BOOST_REQUIRE(s.sync().is_ok());

  // Stopped at its second block, or put on hold then: nothing expires.
  std::stop_source stopper;
  at_second_block = [&] {
    stopper.request_stop();
  };
  BOOST_TEST(s.expire(now, stopper.get_token()).value().empty());
  BOOST_TEST(blocks_read == 2);
  blocks_read = 0;
  at_second_block = [&] {
    BOOST_REQUIRE(s.set_legal_hold("default", true, "Li Na", "").is_ok());
  };
  BOOST_TEST(s.expire(now).value().empty());
  BOOST_TEST(blocks_read > 2);  // read on, then found the hold before writing
  BOOST_REQUIRE(s.set_legal_hold("default", false, "Li Na", "").is_ok());
  BOOST_TEST(s.read_raw("default", 1).has_value());
  BOOST_TEST(s.verify("default", "").value().at(0).expired_through == 0U);

  // Held inside the read while the ledger is appended to and committed.
  blocks_read = 0;
  std::promise<void> parked;
  std::promise<void> resume;
  at_second_block = [&, resumed = resume.get_future().share()] {
    parked.set_value();
    resumed.wait();
  };
  siem::core::Result<std::vector<std::pair<std::string, std::uint64_t>>> expired =
      std::vector<std::pair<std::string, std::uint64_t>>{};
  std::thread retention([&] { expired = s.expire(now); });
  BOOST_REQUIRE(parked.get_future().wait_for(std::chrono::seconds(30))
                == std::future_status::ready);
  constexpr int kNewBlocks = 40;
  auto appends = std::async(std::launch::async, [&] {
    for (int i = 1; i <= kNewBlocks; ++i) {
      if (!s.append(block(now + i * kPerBlock, kPerBlock)).has_value() || !s.sync().is_ok()) {
        return false;
      }
    }
    return true;
  });
  // Were the ledger lock held while the expiry reads, these would wait for it.
  const bool went_on = appends.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  resume.set_value();
  BOOST_TEST(went_on);
  BOOST_TEST(appends.get());
  retention.join();
  BOOST_REQUIRE_MESSAGE(expired.has_value(), expired.error().to_string());
  BOOST_REQUIRE(expired->size() == 1U);
  constexpr std::uint64_t kOld = std::uint64_t{kOldBlocks} * kPerBlock;
  BOOST_TEST(expired->at(0).second == kOld);
  BOOST_TEST(s.read_raw("default", kOld).error().code() == siem::core::StatusCode::not_found);
  BOOST_TEST(s.read_raw("default", kOld + 1).has_value());
  const std::uint64_t kept = std::uint64_t{kNewBlocks + 1} * kPerBlock;
  BOOST_TEST(s.read_raw("default", kOld + kept).has_value());
  BOOST_TEST(s.stats().value().totals.raw_records == kept);
  auto rep = s.verify("default", "").value().at(0);
  BOOST_TEST(rep.ok, rep.problem);
  BOOST_TEST(rep.expired_through == kOld);
  BOOST_TEST(rep.records_checked == kept);
}

// A segment's keys go to a table file in strictly ascending byte order. The sort compares the
// first 16 bytes of each key as integers and the rest only on a tie: IPv4 addresses of one /24
// (equal in their first 16 key bytes), values that are prefixes of others, long values that
// differ late and values of every field must still come out in byte order, each once.
BOOST_AUTO_TEST_CASE(segment_index_writes_keys_in_byte_order) {
  using siem::store::detail::indexed_field_id;
  siem::store::detail::SegmentIndex index;
  index.reset(3);
  const std::vector<std::pair<std::string, std::string>> values = {
      {"source.ip", "10.0.0.5"},
      {"source.ip", "10.0.0.3"},
      {"source.ip", "10.0.0.200"},
      {"source.ip", "10.0.1.1"},
      {"source.ip", "2001:db8::1"},
      {"destination.ip", "10.0.0.3"},
      {"destination.ip", "192.168.1.1"},
      {"user.name", "admin"},
      {"user.name", "admin2"},
      {"user.name", "adm"},
      {"user.name", "a"},
      {"user.name", std::string("nul\0byte", 8)},
      {"user.name", "a-very-long-user-name-that-differs-late-1"},
      {"user.name", "a-very-long-user-name-that-differs-late-0"},
      {"host.name", "web-01"},
      {"host.name", "web-01"},  // the same value again: one key
      {"rule.id", "1001"},
      {"rule.id", "100"},
  };
  const std::uint64_t block = std::uint64_t{3} << siem::store::detail::kSegmentBits;
  std::uint32_t i = 0;
  for (const auto& [field, value] : values) {
    index.add(indexed_field_id(field), value, block, i++);
  }
  index.add_block(block, values.size(), std::nullopt, std::nullopt);
  std::vector<std::string> keys;
  BOOST_REQUIRE(index
                    .write([&](std::string_view k, std::string_view) {
                      keys.emplace_back(k);
                      return siem::core::Status::ok();
                    })
                    .is_ok());
  BOOST_TEST(keys.size() == 1 + values.size() - 1);  // the summary, each distinct value once
  BOOST_TEST(std::is_sorted(keys.begin(), keys.end()));
  BOOST_TEST((std::adjacent_find(keys.begin(), keys.end()) == keys.end()));
}
