#include "siem/store/store.hpp"

#include "siem/core/ids.hpp"
#include "siem/core/json.hpp"

#include "chain.hpp"
#include "codec.hpp"
#include "encryption.hpp"
#include "event_block.hpp"
#include "event_index.hpp"
#include "incident_history.hpp"
#include "signing.hpp"
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/backup_engine.h>
#include <rocksdb/version.h>
#include <rocksdb/write_batch.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <unordered_map>
#include <utility>

namespace siem::store {
namespace fs = std::filesystem;
using core::Result;
using core::Status;
using core::StatusCode;
using detail::Digest;

namespace {

/// RawBatch::digest_kind of digests made with `alg` (0 means none).
constexpr auto digest_kind(HashAlgorithm alg) -> std::uint8_t {
  return static_cast<std::uint8_t>(alg) + 1;
}

// Schema 2: events in zstd blocks with per-batch postings (schema 1 stored JSON blocks and had
// no postings; opening it read-write migrates it, see migrate_events()).
constexpr std::string_view kSchemaVersion = "2";
const std::vector<std::string> kEngagementCfs = {
    "default", "raw", "events", "postings", "alerts", "incidents", "incident_history", "meta"};
const std::vector<std::string> kSystemCfs = {"default", "users", "sessions", "audit", "meta"};

auto map_status(const rocksdb::Status& s, std::string_view what) -> Status {
  if (s.ok()) {
    return Status::ok();
  }
  std::string msg = std::string{what} + ": " + s.ToString();
  if (s.IsNotFound()) {
    return {StatusCode::not_found, msg};
  }
  if (s.IsCorruption()) {
    return {StatusCode::corruption, msg};
  }
  if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    return {StatusCode::unavailable,
            std::string{what}
                + " is in use by another siem process (stop the engine first, or make the "
                  "change through the API)"};
  }
  return {StatusCode::io_error, msg};
}

auto get_u64(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, const std::string& key)
    -> std::uint64_t {
  std::string v;
  if (db->Get(rocksdb::ReadOptions{}, cf, key, &v).ok() && v.size() == 8) {
    return detail::get_be64(v);
  }
  return 0;
}

/// One RocksDB instance with its column families.
struct Instance {
  Instance() = default;
  Instance(const Instance&) = delete;
  auto operator=(const Instance&) -> Instance& = delete;
  Instance(Instance&&) = delete;
  auto operator=(Instance&&) -> Instance& = delete;

  ~Instance() {
    if (db) {
      for (auto* h : handles) {
        static_cast<void>(db->DestroyColumnFamilyHandle(h));
      }
      db.reset();
    }
    if (!secondary_dir.empty()) {
      std::error_code ec;
      fs::remove_all(secondary_dir, ec);
    }
  }

  auto cf(std::string_view name) const -> rocksdb::ColumnFamilyHandle* {
    for (auto* h : handles) {
      if (h->GetName() == name) {
        return h;
      }
    }
    return nullptr;
  }

  std::unique_ptr<rocksdb::Env> env;  // the encrypting Env, when encrypted; outlives db
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  std::string secondary_dir;
  std::atomic<bool> dirty{false};
};

constexpr std::string_view kEncryptionFile = "ENCRYPTION";

/// What an instance's ENCRYPTION file records (absent: not encrypted).
struct Marker {
  bool present = false;
  Cipher cipher = Cipher::none;
  std::string key_id;
};

auto read_marker(const fs::path& dir) -> Result<Marker> {
  Marker m;
  std::error_code ec;
  const fs::path file = dir / std::string{kEncryptionFile};
  if (!fs::exists(file, ec)) {
    return m;
  }
  m.present = true;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("cipher=")) {
      SIEM_TRY_ASSIGN(m.cipher, detail::parse_cipher(std::string_view{line}.substr(7)));
    } else if (line.starts_with("key_id=")) {
      m.key_id = line.substr(7);
    }
  }
  return m;
}

auto write_marker(const fs::path& dir, Cipher cipher, const std::string& key_id) -> Status {
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path file = dir / std::string{kEncryptionFile};
  std::ofstream out(file, std::ios::trunc);
  out << "cipher=" << detail::cipher_name(cipher) << "\nkey_id=" << key_id << "\n";
  out.flush();
  return out ? Status::ok() : core::io_error("cannot write " + file.string());
}

auto key_dir_of(const StoreOptions& options) -> std::string {
  if (!options.key_dir.empty()) {
    return options.key_dir;
  }
  const char* env = std::getenv("SIEM_KEY_DIR");  // the CLI tools have no config file
  return env != nullptr && *env != '\0' ? env : (fs::path(options.data_dir) / "keys").string();
}

/// The encrypting Env for instance `name` under `cipher`, its key checked against
/// `expected_id` when one is recorded. Returns the key id.
auto make_env(Cipher cipher, std::string_view name, const std::string& where,
              const StoreOptions& options, bool create_key, const std::string& expected_id,
              std::unique_ptr<rocksdb::Env>& env) -> Result<std::string> {
  SIEM_TRY_ASSIGN(const auto key, detail::load_key(key_dir_of(options), name, create_key));
  const auto id = detail::key_id(key);
  if (!expected_id.empty() && expected_id != id) {
    return core::invalid_argument("wrong key for '" + std::string{name} + "': " + where
                                  + " is encrypted with data key " + expected_id
                                  + ", the key given is " + id);
  }
  SIEM_TRY_ASSIGN(env, detail::make_encrypted_env(cipher, key));
  return id;
}

/// Sets up encryption for the instance `name` in `path`: an existing instance keeps what its
/// ENCRYPTION file records (none when it has no such file); a new one gets the configured
/// cipher, and the file is written before RocksDB creates anything. The key is checked
/// against the recorded key id, so a wrong key is named as such before RocksDB reads a byte.
auto instance_env(const std::string& path, std::string_view name, const StoreOptions& options,
                  bool read_only, Instance& inst) -> Status {
  std::error_code ec;
  const bool exists = fs::exists(fs::path(path) / "CURRENT", ec);
  SIEM_TRY_ASSIGN(auto marker, read_marker(path));
  if (!marker.present && !exists && !read_only) {
    marker.cipher = options.encryption;
  }
  if (marker.cipher == Cipher::none) {
    return Status::ok();
  }
  const bool fresh = !exists && !read_only;
  SIEM_TRY_ASSIGN(const auto id, make_env(marker.cipher, name, path, options, fresh,
                                          marker.key_id, inst.env));
  if (fresh && marker.key_id.empty()) {  // a new instance: record its cipher and key id
    SIEM_TRY(write_marker(path, marker.cipher, id));
  }
  return Status::ok();
}

auto open_instance(const std::string& path, std::string_view name, const StoreOptions& store,
                   const std::vector<std::string>& cfs, const std::shared_ptr<rocksdb::Cache>& cache,
                   std::unique_ptr<Instance>& out) -> Status {
  const bool read_only = store.read_only;
  auto inst = std::make_unique<Instance>();
  SIEM_TRY(instance_env(path, name, store, read_only, *inst));
  rocksdb::Options options;
  if (inst->env) {
    options.env = inst->env.get();
  }
  options.create_if_missing = !read_only;
  options.create_missing_column_families = !read_only;
  options.IncreaseParallelism(2);
  options.keep_log_file_num = 3;
  options.max_log_file_size = 8 << 20;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf_options.compression = rocksdb::kZSTD;
  // Event blocks arrive zstd-compressed (before the WAL and its encryption see them).
  rocksdb::ColumnFamilyOptions precompressed = cf_options;
  precompressed.compression = rocksdb::kNoCompression;
  std::vector<std::string> names = cfs;
  if (read_only) {
    // A secondary instance opens what exists: a store of an older schema may lack a family
    // until the engine has opened (and migrated) it.
    std::vector<std::string> existing;
    if (rocksdb::DB::ListColumnFamilies(options, path, &existing).ok()) {
      std::erase_if(names, [&](const std::string& n) {
        return std::find(existing.begin(), existing.end(), n) == existing.end();
      });
    }
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.reserve(names.size());
  for (const auto& cf_name : names) {
    descriptors.emplace_back(cf_name, cf_name == "events" ? precompressed : cf_options);
  }
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (read_only) {
    // A secondary instance reads a directory a running engine holds open (a plain read-only
    // open next to a writer is undefined behaviour in RocksDB).
    char tmpl[] = "/tmp/siem-secondary-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      return core::io_error("cannot create a temporary directory for a read-only open");
    }
    inst->secondary_dir = tmpl;
    options.max_open_files = -1;
    s = rocksdb::DB::OpenAsSecondary(options, path, inst->secondary_dir, descriptors,
                                     &inst->handles, &raw);
    if (s.ok()) {
      inst->db.reset(raw);
      static_cast<void>(inst->db->TryCatchUpWithPrimary());
    }
  } else {
    s = rocksdb::DB::Open(options, path, descriptors, &inst->handles, &raw);
    if (s.ok()) {
      inst->db.reset(raw);
    }
  }
  if (!s.ok()) {
    return map_status(s, path);
  }
  out = std::move(inst);
  return Status::ok();
}

}  // namespace

auto library_versions() -> std::string {
  return "RocksDB " + std::to_string(ROCKSDB_MAJOR) + "." + std::to_string(ROCKSDB_MINOR) + "."
         + std::to_string(ROCKSDB_PATCH) + ", " + OpenSSL_version(OPENSSL_VERSION);
}

auto valid_name(std::string_view name) -> bool {
  if (name.empty() || name.size() > 64 || name.front() == '.') {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
           || c == '-' || c == '.';
  });
}

auto StoreOptions::validate() const -> Status {
  if (data_dir.empty()) {
    return core::invalid_argument("data: the data directory must not be empty");
  }
  if (block_cache_mb == 0) {
    return core::invalid_argument("store.block_cache_mb must be > 0");
  }
  return Status::ok();
}

/// One engagement: its instance plus the in-memory tail of its ledger and counters.
struct Engagement {
  std::string name;
  std::unique_ptr<Instance> inst;
  HashAlgorithm alg = HashAlgorithm::sm3;
  /// First sequence chained with version 2 (chain.hpp); earlier records keep version 1.
  std::uint64_t chain_v2_from = 1;
  rocksdb::ColumnFamilyHandle* raw = nullptr;
  rocksdb::ColumnFamilyHandle* events = nullptr;
  rocksdb::ColumnFamilyHandle* postings = nullptr;  // null: read-only open of a schema-1 store
  rocksdb::ColumnFamilyHandle* alerts = nullptr;    // null: read-only open of an older store
  rocksdb::ColumnFamilyHandle* incidents = nullptr;
  rocksdb::ColumnFamilyHandle* history = nullptr;
  rocksdb::ColumnFamilyHandle* meta = nullptr;

  // Ledger state: written by the one appending thread under append_mu.
  std::mutex append_mu;
  std::atomic<std::uint64_t> last_seq{0};
  Digest head{};
  std::atomic<std::uint64_t> raw_count{0};
  detail::Zstd raw_zstd;    // under append_mu
  std::string raw_payload;  // under append_mu
  std::mutex sources_mu;
  std::map<std::string, std::uint64_t, std::less<>> source_counts;

  // Checkpoints: under append_mu.
  std::atomic<std::uint64_t> checkpoint_seq{0};
  std::atomic<core::TimeMs> checkpoint_time{0};
  std::optional<detail::SigningKey> signing_key;

  // Processing state: written under process_mu.
  std::mutex process_mu;
  detail::EventBlockWriter block_writer;
  std::string event_json;
  std::string event_block;
  std::atomic<std::uint64_t> processed_seq{0};
  std::atomic<std::uint64_t> events_count{0};
  std::atomic<std::uint64_t> unparsed_count{0};
  std::atomic<std::uint64_t> incidents_count{0};

  // The open segment's postings (event_index.hpp): written by put_events(), read by searches.
  std::mutex index_mu;
  detail::SegmentIndex open_index;
  bool index_stale = false;           // a segment flush failed: rebuild from the blocks
  std::uint64_t indexed_through = 0;  // last sequence the index covers (read-only catch-up)
};

namespace {

/// The text of an indexed field's value (integers in decimal; `buf` backs the view).
auto index_text(const core::Event& ev, std::string_view field, std::array<char, 24>& buf)
    -> std::optional<std::string_view> {
  const auto v = ev.get(field);
  if (!v) {
    return std::nullopt;
  }
  switch (v->type) {
    case core::FieldType::string:
      return v->str;
    case core::FieldType::integer: {
      const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v->integer);
      return std::string_view{buf.data(), static_cast<std::size_t>(r.ptr - buf.data())};
    }
    default:
      return std::nullopt;
  }
}

/// Writes the open segment's postings and block summaries as one table file, in key order,
/// and ingests it into the postings family (no WAL, no memtable: the segment's keys go in
/// at the cost of writing a file); `next` becomes the open segment. Under index_mu.
auto flush_segment(Engagement& e, std::uint32_t next) -> Status {
  auto* db = e.inst->db.get();
  if (!e.open_index.empty()) {
    const auto path =
        db->GetName() + "/postings-" + std::to_string(e.open_index.segment()) + ".sst";
    const auto fail = [&](const Status& st) {
      static_cast<void>(db->GetEnv()->DeleteFile(path));
      return st;
    };
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions{}, db->GetOptions(e.postings), e.postings);
    if (auto st = map_status(writer.Open(path), "postings table " + path); !st) {
      return fail(st);
    }
    if (auto st = e.open_index.write([&](std::string_view k, std::string_view v) {
          return map_status(writer.Put(k, v), "postings table " + path);
        });
        !st) {
      return fail(st);
    }
    if (auto st = map_status(writer.Finish(), "postings table " + path); !st) {
      return fail(st);
    }
    rocksdb::IngestExternalFileOptions ingest;
    // Copied, not moved: RocksDB 7.8 records a hard-linked file's size with the encryption
    // prefix and then refuses the next open ("Sst file size mismatch"). The copy is
    // encrypted like any table (the temporary file too).
    ingest.move_files = false;
    if (auto st = map_status(db->IngestExternalFile(e.postings, {path}, ingest), "postings ingest");
        !st) {
      return fail(st);
    }
    static_cast<void>(db->GetEnv()->DeleteFile(path));  // gone already when it was moved
  }
  e.open_index.reset(next);
  return map_status(
      db->Put(rocksdb::WriteOptions{}, e.meta, "postings_open", detail::be64_key(next)),
      "postings");
}

/// Indexes the event blocks not yet in the open segment's postings: after a restart (the
/// open segment lives in memory), after a migration, and for a read-only instance to catch
/// up with the engine. In a writable instance a block of a later segment completes (flushes)
/// the open one. Under index_mu.
auto index_open_segment(Engagement& e, bool read_only) -> Status {
  auto* db = e.inst->db.get();
  auto open = static_cast<std::uint32_t>(get_u64(db, e.meta, "postings_open"));
  {
    // A segment whose table was ingested just before a crash, before postings_open moved on.
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions{}, e.postings));
    for (;;) {
      std::string prefix;
      detail::put_be32(prefix, open);
      it->Seek(prefix);
      if (!it->Valid() || !it->key().starts_with(prefix)) {
        break;
      }
      ++open;
    }
  }
  if (open != e.open_index.segment()) {
    e.open_index.reset(open);
  }
  const std::uint64_t start = e.open_index.empty() ? std::uint64_t{open} << detail::kSegmentBits
                                                   : e.open_index.last_block() + 1;
  detail::EventBlockReader reader;
  detail::EventMatcher fields({});
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions{}, e.events));
  for (it->Seek(detail::be64_key(start)); it->Valid(); it->Next()) {
    const auto first = detail::get_be64(it->key().ToStringView());
    if (auto st = reader.open(first, it->value().ToStringView()); !st) {
      // A damaged block stays out of the index (reading it names the damage); the rest of
      // the engagement stays searchable.
      std::fprintf(stderr, "store: engagement %s: %s: not indexed\n", e.name.c_str(),
                   st.to_string().c_str());
      continue;
    }
    const auto seg = detail::segment_of(first);
    if (seg != e.open_index.segment()) {
      if (read_only) {
        // The engine flushes the open segment before it indexes the next one; until its
        // table shows here, keep it in memory and stop (searches go no further than this).
        std::string prefix;
        detail::put_be32(prefix, e.open_index.segment());
        std::unique_ptr<rocksdb::Iterator> pit(db->NewIterator(rocksdb::ReadOptions{}, e.postings));
        pit->Seek(prefix);
        if (!e.open_index.empty() && (!pit->Valid() || !pit->key().starts_with(prefix))) {
          break;
        }
        e.open_index.reset(seg);
      } else {
        SIEM_TRY(flush_segment(e, seg));
      }
    }
    std::optional<core::TimeMs> lo;
    std::optional<core::TimeMs> hi;
    for (std::size_t i = 0; i < reader.size(); ++i) {
      const auto text = reader.json(i);
      if (!text) {
        std::fprintf(stderr, "store: engagement %s: %s: events from %zu on not indexed\n",
                     e.name.c_str(), text.error().to_string().c_str(), i);
        break;
      }
      const auto json = *text;
      detail::index_json(fields, json, [&](std::uint8_t id, std::string_view v) {
        e.open_index.add(id, v, first, static_cast<std::uint32_t>(i));
      });
      if (const auto t = reader.legacy() ? fields.timestamp(json) : reader.time(i)) {
        lo = lo ? std::min(*lo, *t) : *t;
        hi = hi ? std::max(*hi, *t) : *t;
      }
    }
    e.open_index.add_block(first, reader.size(), lo, hi);
    if (reader.size() > 0) {
      e.indexed_through = reader.seq(reader.size() - 1);
    }
  }
  return map_status(it->status(), "indexing events");
}

/// Rewrites an engagement's schema-1 event blocks (JSON) as schema-2 blocks, one WriteBatch
/// per block (a block already rewritten is skipped, so an interrupted migration resumes), then
/// records schema 2. The postings are built afterwards by index_open_segment().
auto migrate_events(Engagement& e) -> Status {
  auto* db = e.inst->db.get();
  detail::EventBlockReader reader;
  detail::EventMatcher fields({});
  std::uint64_t blocks = 0;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions{}, e.events));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const auto first = detail::get_be64(it->key().ToStringView());
    if (auto st = reader.open(first, it->value().ToStringView()); !st) {
      // Left as it is: reading it names the damage; the rest of the store migrates.
      std::fprintf(stderr, "store: engagement %s: %s: not migrated\n", e.name.c_str(),
                   st.to_string().c_str());
      continue;
    }
    if (!reader.legacy()) {
      continue;
    }
    e.block_writer.clear();
    for (std::size_t i = 0; i < reader.size(); ++i) {
      SIEM_TRY_ASSIGN(const auto json, reader.json(i));
      SIEM_TRY(e.block_writer.add(reader.seq(i), fields.timestamp(json), json));
    }
    SIEM_TRY(e.block_writer.finish(e.event_block));
    SIEM_TRY(map_status(db->Put(rocksdb::WriteOptions{}, e.events, it->key(), e.event_block),
                        "event migration"));
    ++blocks;
  }
  SIEM_TRY(map_status(it->status(), "event migration"));
  rocksdb::WriteOptions wo;
  wo.sync = true;
  SIEM_TRY(map_status(db->Put(wo, e.meta, "schema_version", std::string{kSchemaVersion}),
                      "event migration"));
  if (blocks > 0) {
    std::fprintf(stderr, "store: engagement %s: %llu event blocks migrated to schema %s\n",
                 e.name.c_str(), static_cast<unsigned long long>(blocks), kSchemaVersion.data());
  }
  return Status::ok();
}

/// Removes the incidents whose last change (modified_at) is older than `cutoff`, with their
/// history. The creation-order index bounds the walk: an incident created after the cutoff
/// cannot have been last changed before it. Under process_mu. Returns how many went.
auto expire_incidents(Engagement& e, core::TimeMs cutoff) -> Result<std::uint64_t> {
  auto* db = e.inst->db.get();
  detail::EventMatcher fields({});
  rocksdb::WriteBatch wb;
  std::uint64_t n = 0;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions{}, e.incidents));
  for (it->Seek("c/"); it->Valid() && it->key().starts_with("c/"); it->Next()) {
    const auto key = it->key().ToStringView();
    if (key.size() < 10
        || static_cast<core::TimeMs>(detail::get_be64(key.substr(2, 8))) >= cutoff) {
      break;
    }
    const std::string id{it->value().ToStringView()};
    std::string json;
    const auto gs = db->Get(rocksdb::ReadOptions{}, e.incidents, "i/" + id, &json);
    if (gs.ok()) {
      const auto text = fields.field_text(json, "modified_at");
      const auto modified = text ? core::parse_rfc3339(*text) : std::nullopt;
      if (!modified || *modified >= cutoff) {
        continue;  // still changing (or unreadable: kept)
      }
    } else if (!gs.IsNotFound()) {
      return map_status(gs, "incident expiry");
    }
    wb.Delete(e.incidents, "i/" + id);
    wb.Delete(e.incidents, it->key());
    wb.DeleteRange(e.history, id + "/", id + "0");  // '0' follows '/'
    ++n;
  }
  SIEM_TRY(map_status(it->status(), "incident expiry"));
  if (n > 0) {
    const auto left = e.incidents_count - std::min<std::uint64_t>(n, e.incidents_count);
    wb.Put(e.meta, "count/incidents", detail::be64_key(left));
    rocksdb::WriteOptions wo;
    wo.sync = true;
    SIEM_TRY(map_status(db->Write(wo, &wb), "incident expiry"));
    e.incidents_count = left;
  }
  return n;
}

}  // namespace

struct Store::Impl {
  StoreOptions options;
  std::shared_ptr<rocksdb::Cache> cache;
  std::unique_ptr<Instance> system;
  std::shared_mutex engagements_mu;
  std::map<std::string, std::unique_ptr<Engagement>, std::less<>> engagements;
  std::mutex anchor_mu;  // appends to the anchor file
  std::mutex audit_mu;
  std::mutex expire_mu;  // one expiry at a time: two could write their expiries out of order
  std::uint64_t audit_seq = 0;
  std::string audit_head;

  /// Appends one signed line to the anchor file (O_APPEND, fsync).
  auto publish(std::string_view engagement, const std::string& json) -> Status {
    std::lock_guard lock(anchor_mu);
    const std::string path = anchor_path();
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
      return core::io_error("cannot open the anchor file " + path + ": " + std::strerror(errno));
    }
    const std::string line = json + "\n";
    const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size())
                    && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
      return core::io_error("cannot append to the anchor file " + path);
    }
    if (options.anchor_sink) {
      options.anchor_sink(engagement, json);
    }
    return Status::ok();
  }

  /// Removes audit entries older than `cutoff` from the start of the trail (the newest always
  /// stays: it holds the head). The last removed entry's sequence and hash are kept in meta
  /// `audit_expiry`, so the trail's chain can be checked from there. Returns how many went.
  auto expire_audit(core::TimeMs cutoff) -> Result<std::uint64_t> {
    if (!system) {
      return std::uint64_t{0};
    }
    auto* db = system->db.get();
    auto* audit = system->cf("audit");
    std::lock_guard lock(audit_mu);
    detail::EventMatcher fields({});
    std::uint64_t n = 0;
    std::uint64_t through = 0;
    std::string hash;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions{}, audit));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const auto seq = detail::get_be64(it->key().ToStringView());
      const auto json = it->value().ToStringView();
      const auto text = fields.field_text(json, "time");
      const auto t = text ? core::parse_rfc3339(*text) : std::nullopt;
      if (seq >= audit_seq || !t || *t >= cutoff) {
        break;
      }
      through = seq;
      hash = fields.field_text(json, "hash").value_or("");
      ++n;
    }
    SIEM_TRY(map_status(it->status(), "audit expiry"));
    if (n == 0) {
      return n;
    }
    core::JsonWriter w;
    w.begin_object();
    w.field("seq", static_cast<std::int64_t>(through));
    w.field("hash", hash);
    w.field("cutoff", core::format_rfc3339(cutoff));
    w.field("entries", static_cast<std::int64_t>(n));
    w.end_object();
    rocksdb::WriteBatch wb;
    wb.Put(system->cf("meta"), "audit_expiry", w.str());
    wb.DeleteRange(audit, detail::be64_key(0), detail::be64_key(through + 1));
    rocksdb::WriteOptions wo;
    wo.sync = true;
    SIEM_TRY(map_status(db->Write(wo, &wb), "audit expiry"));
    return n;
  }

  auto anchor_path() const -> std::string {
    return options.anchor_file.empty() ? (fs::path(options.data_dir) / "anchors.jsonl").string()
                                       : options.anchor_file;
  }

  auto engagement_dir(std::string_view name) const -> std::string {
    return (fs::path(options.data_dir) / "engagements" / std::string{name}).string();
  }

  auto load_engagement(const std::string& name, bool create) -> Result<Engagement*>;

  auto find(std::string_view name) -> Engagement* {
    std::shared_lock lock(engagements_mu);
    auto it = engagements.find(name);
    return it == engagements.end() ? nullptr : it->second.get();
  }

  auto find_or_create(std::string_view name) -> Result<Engagement*> {
    if (auto* e = find(name)) {
      return e;
    }
    if (options.read_only) {
      return core::not_found("engagement '" + std::string{name} + "' does not exist");
    }
    std::unique_lock lock(engagements_mu);
    if (auto it = engagements.find(name); it != engagements.end()) {
      return it->second.get();
    }
    return load_engagement(std::string{name}, true);
  }

  auto system_db() -> Result<rocksdb::DB*> {
    if (!system) {
      return Status{StatusCode::not_found, "no system store in " + options.data_dir};
    }
    return system->db.get();
  }
};

// Requires engagements_mu held exclusively (or single-threaded open).
auto Store::Impl::load_engagement(const std::string& name, bool create) -> Result<Engagement*> {
  if (!valid_name(name)) {
    return core::invalid_argument("invalid engagement name '" + name
                                  + "' (1-64 of A-Z a-z 0-9 _ . -)");
  }
  const auto dir = engagement_dir(name);
  if (create) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
      return core::io_error("cannot create " + dir + ": " + ec.message());
    }
  }
  auto e = std::make_unique<Engagement>();
  e->name = name;
  SIEM_TRY(open_instance(dir, name, options, kEngagementCfs, cache, e->inst));
  auto* db = e->inst->db.get();
  e->raw = e->inst->cf("raw");
  e->events = e->inst->cf("events");
  e->postings = e->inst->cf("postings");
  e->alerts = e->inst->cf("alerts");
  e->incidents = e->inst->cf("incidents");
  e->history = e->inst->cf("incident_history");
  e->meta = e->inst->cf("meta");
  std::string v;
  if (db->Get(rocksdb::ReadOptions{}, e->meta, "hash_alg", &v).ok()) {
    SIEM_TRY_ASSIGN(e->alg, detail::parse_hash_name(v));
  } else if (!options.read_only) {
    e->alg = options.hash;
    rocksdb::WriteBatch wb;
    wb.Put(e->meta, "hash_alg", std::string{detail::hash_name(e->alg)});
    wb.Put(e->meta, "schema_version", std::string{kSchemaVersion});
    rocksdb::WriteOptions wo;
    wo.sync = true;
    SIEM_TRY(map_status(db->Write(wo, &wb), dir));
  }
  if (db->Get(rocksdb::ReadOptions{}, e->meta, "schema_version", &v).ok() && v != kSchemaVersion) {
    if (v == "1") {
      if (options.read_only) {
        e->postings = nullptr;  // no index yet: query_events() says so
      } else {
        SIEM_TRY(migrate_events(*e));
      }
    } else {
      return Status{StatusCode::corruption, dir + ": unsupported schema version " + v
                                                + " (this build reads 1 and "
                                                + std::string{kSchemaVersion} + ")"};
    }
  }
  if (e->postings != nullptr) {
    std::lock_guard lock(e->index_mu);
    SIEM_TRY(index_open_segment(*e, options.read_only));
  }
  e->last_seq = get_u64(db, e->meta, "last_seq");
  // The chain version switches at a sequence: ledgers written before version 2 existed keep
  // their version-1 links (signed checkpoints and published anchors cover them) and go on in
  // version 2 from their next record.
  if (db->Get(rocksdb::ReadOptions{}, e->meta, "chain_v2_from", &v).ok() && v.size() == 8) {
    e->chain_v2_from = detail::get_be64(v);
  } else if (!options.read_only) {
    e->chain_v2_from = e->last_seq + 1;
    rocksdb::WriteOptions wo;
    wo.sync = true;
    SIEM_TRY(
        map_status(db->Put(wo, e->meta, "chain_v2_from", detail::be64_key(e->chain_v2_from)), dir));
  } else {
    e->chain_v2_from = std::numeric_limits<std::uint64_t>::max();
  }
  if (db->Get(rocksdb::ReadOptions{}, e->meta, "head", &v).ok() && v.size() == e->head.size()) {
    std::copy(v.begin(), v.end(), e->head.begin());
  }
  e->raw_count = get_u64(db, e->meta, "count/raw");
  e->checkpoint_seq = get_u64(db, e->meta, "cp_last");
  e->checkpoint_time = core::SystemClock{}.now_ms();
  e->processed_seq = get_u64(db, e->meta, "processed_seq");
  e->events_count = get_u64(db, e->meta, "count/events");
  e->unparsed_count = get_u64(db, e->meta, "count/unparsed");
  e->incidents_count = get_u64(db, e->meta, "count/incidents");
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions{}, e->meta));
  for (it->Seek("src/"); it->Valid() && it->key().starts_with("src/"); it->Next()) {
    e->source_counts[it->key().ToString().substr(4)] = detail::get_be64(it->value().ToString());
  }
  auto* ptr = e.get();
  engagements[name] = std::move(e);
  return ptr;
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Store::~Store() {
  if (impl_ && !impl_->options.read_only) {
    static_cast<void>(sync());
    for (const auto& name : engagements()) {  // anchor the tail at a clean close
      static_cast<void>(checkpoint(name));
    }
  }
}

auto Store::options() const -> const StoreOptions& { return impl_->options; }

auto Store::open(const StoreOptions& options) -> Result<std::unique_ptr<Store>> {
  SIEM_TRY(options.validate());
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->cache = rocksdb::NewLRUCache(options.block_cache_mb << 20U);
  const fs::path root(options.data_dir);
  std::error_code ec;
  if (!options.read_only) {
    fs::create_directories(root / "engagements", ec);
    if (ec) {
      return core::io_error("cannot create data directory " + root.string() + ": " + ec.message());
    }
  } else if (!fs::is_directory(root, ec)) {
    return core::not_found("data directory " + root.string() + " does not exist");
  }
  if (!options.read_only || fs::exists(root / "system" / "CURRENT", ec)) {
    SIEM_TRY(open_instance((root / "system").string(), "system", options, kSystemCfs, impl->cache,
                           impl->system));
    auto* db = impl->system->db.get();
    auto* meta = impl->system->cf("meta");
    impl->audit_seq = get_u64(db, meta, "audit_seq");
    static_cast<void>(db->Get(rocksdb::ReadOptions{}, meta, "audit_head", &impl->audit_head));
  }
  if (fs::is_directory(root / "engagements", ec)) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(root / "engagements", ec)) {
      if (entry.is_directory() && fs::exists(entry.path() / "CURRENT")) {
        names.push_back(entry.path().filename().string());
      }
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      SIEM_TRY_ASSIGN([[maybe_unused]] auto* e, impl->load_engagement(name, false));
    }
  }
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

// --- ledger -------------------------------------------------------------------------------

namespace {

// Raw block layout: detail::kRawMagic in event_block.hpp.
/// Decodes one raw block; calls fn(record) for each, with one RawRecord filled afresh for
/// every record (its strings keep their room: no allocation per record). fn may move from it.
/// Returns corruption on a bad block.
template <class Fn>
auto decode_raw_block(std::string_view engagement, std::uint64_t first_seq, std::string_view value,
                      Fn&& fn) -> Status {
  const bool compressed = value.starts_with(detail::kRawMagic);
  // Not re-entrant: fn must not decode raw blocks itself (it would reuse `payload`).
  thread_local detail::Zstd zstd;
  thread_local std::string payload;

  struct Shrink {  // an unusually large block's buffer is not kept by every thread

    ~Shrink() {
      if (payload.capacity() > (std::size_t{64} << 20)) {
        std::string{}.swap(payload);
      }
    }
  } shrink;
  if (compressed) {
    if (auto st = detail::raw_block_records(zstd, value, payload); !st) {
      return {StatusCode::corruption, "raw block at seq " + std::to_string(first_seq)
                                          + " of engagement " + std::string{engagement} + ": "
                                          + std::string{st.message()}};
    }
    value = payload;
  }
  detail::Reader r(value);
  const auto count = r.varint();
  core::RawRecord rec;
  for (std::uint64_t i = 0; i < count && r.ok(); ++i) {
    rec.seq = first_seq + i;
    rec.engagement.assign(engagement);
    rec.received_at = static_cast<core::TimeMs>(r.varint());
    rec.source.assign(r.lp());
    rec.position.assign(r.lp());
    rec.peer.assign(r.lp());
    if (compressed) {
      rec.hash.clear();
      core::append_hex(rec.hash, r.bytes(32));
    } else {
      rec.hash.assign(r.lp());
    }
    rec.bytes.assign(r.lp());
    if (!r.ok()) {
      break;
    }
    if (!fn(rec)) {
      return Status::ok();
    }
  }
  if (!r.ok() || !r.done()) {
    return {StatusCode::corruption, "raw block at seq " + std::to_string(first_seq)
                                         + " of engagement " + std::string{engagement}
                                         + " cannot be decoded"};
  }
  return Status::ok();
}

}  // namespace

void append_link_hex(std::string& out, const std::array<unsigned char, 32>& link) {
  core::append_hex(out, {reinterpret_cast<const char*>(link.data()), link.size()});
}

auto link_hex(const std::array<unsigned char, 32>& link) -> std::string {
  std::string out;
  append_link_hex(out, link);
  return out;
}

auto AppendResult::hash_hex(std::size_t i) const -> std::string {
  return link_hex(hashes.at(i));
}

void Store::digest(core::RawBatch& batch, std::size_t first) const {
  const std::string_view engagement =
      batch.engagement.empty() ? std::string_view{"default"} : std::string_view{batch.engagement};
  // A new engagement will be created with options.hash; an existing one keeps its own.
  const Engagement* e = impl_->find(engagement);
  const HashAlgorithm alg = e != nullptr ? e->alg : impl_->options.hash;
  if (batch.digest_kind != 0 && batch.digest_kind != digest_kind(alg)) {
    first = 0;  // digested with another hash: start again
  }
  for (std::size_t i = first; i < batch.records.size(); ++i) {
    auto& rec = batch.records[i];
    const std::string& source = rec.source.empty() ? batch.source : rec.source;
    rec.digest = detail::record_digest(alg, rec.received_at, source, rec.position, rec.bytes);
  }
  batch.digest_kind = digest_kind(alg);
}

auto Store::append(const core::RawBatch& batch) -> Result<AppendResult> {
  if (impl_->options.read_only) {
    return core::invalid_argument("store is open read-only");
  }
  const std::string& engagement = batch.engagement.empty() ? std::string{"default"}
                                                           : batch.engagement;
  SIEM_TRY_ASSIGN(auto* e, impl_->find_or_create(engagement));
  std::lock_guard lock(e->append_mu);
  AppendResult result;
  result.first_seq = e->last_seq + 1;
  result.count = batch.records.size();
  if (batch.records.empty() && !batch.durable_position) {
    return result;
  }
  rocksdb::WriteBatch wb;
  Digest head = e->head;
  // One block per batch; a batch of more than kRawBlockTarget bytes of records is split so
  // that no block decompresses to more than detail::kMaxRawBlock (records are at most 64 MiB).
  constexpr std::size_t kRawBlockTarget = std::size_t{64} << 20;
  const auto& records = batch.records;
  const auto block_end = [&](std::size_t from) {  // records [from, end) make one block
    std::size_t end = from + 1;
    std::size_t bytes = records[from].bytes.size();
    while (end < records.size() && bytes + records[end].bytes.size() <= kRawBlockTarget) {
      bytes += records[end++].bytes.size();
    }
    return end;
  };
  std::string& payload = e->raw_payload;  // the current block's records
  std::string block;
  std::size_t start = 0;  // the current block's records
  std::size_t end = 0;
  std::map<std::string, std::uint64_t, std::less<>> per_source;
  std::uint64_t seq = result.first_seq;
  const bool digested = batch.digest_kind == digest_kind(e->alg);
  result.hashes.reserve(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& rec = records[i];
    if (i == end) {  // a block starts: its record count first
      start = i;
      end = block_end(i);
      payload.clear();
      detail::put_varint(payload, end - start);
    }
    const std::string& source = rec.source.empty() ? batch.source : rec.source;
    if (seq < e->chain_v2_from) {
      head = detail::chain_link_v1(e->alg, head, seq, rec.received_at, source, rec.position,
                                   rec.bytes);
    } else if (digested) {
      head = detail::chain_link_v2(e->alg, head, seq, rec.digest);
    } else {
      head = detail::chain_link_v2(
          e->alg, head, seq,
          detail::record_digest(e->alg, rec.received_at, source, rec.position, rec.bytes));
    }
    detail::put_varint(payload, static_cast<std::uint64_t>(rec.received_at));
    detail::put_lp(payload, source);
    detail::put_lp(payload, rec.position);
    detail::put_lp(payload, rec.peer);
    payload.append(detail::digest_view(head));
    detail::put_lp(payload, rec.bytes);
    result.hashes.push_back(head);
    ++per_source[source];
    ++seq;
    if (i + 1 == end) {
      SIEM_TRY(detail::raw_block_value(e->raw_zstd, payload, block));
      wb.Put(e->raw, detail::be64_key(result.first_seq + start), block);
    }
  }
  const std::uint64_t last = seq - 1;
  if (!batch.records.empty()) {
    wb.Put(e->meta, "last_seq", detail::be64_key(last));
    wb.Put(e->meta, "head", std::string{detail::digest_view(head)});
    wb.Put(e->meta, "count/raw", detail::be64_key(e->raw_count + batch.records.size()));
  }
  {
    std::lock_guard slock(e->sources_mu);
    for (const auto& [source, n] : per_source) {
      wb.Put(e->meta, "src/" + source, detail::be64_key(e->source_counts[source] + n));
    }
  }
  if (batch.durable_position) {
    wb.Put(e->meta, "pos/" + batch.source, batch.position);
  }
  SIEM_TRY(map_status(e->inst->db->Write(rocksdb::WriteOptions{}, &wb), "ledger append"));
  e->inst->dirty = true;
  e->head = head;
  e->last_seq = last;
  e->raw_count += batch.records.size();
  {
    std::lock_guard slock(e->sources_mu);
    for (const auto& [source, n] : per_source) {
      e->source_counts[source] += n;
    }
  }
  return result;
}

auto Store::sync() -> Status {
  std::vector<Instance*> dirty;
  {
    std::shared_lock lock(impl_->engagements_mu);
    for (auto& [name, e] : impl_->engagements) {
      if (e->inst->dirty.exchange(false)) {
        dirty.push_back(e->inst.get());
      }
    }
  }
  if (impl_->system && impl_->system->dirty.exchange(false)) {
    dirty.push_back(impl_->system.get());
  }
  for (auto* inst : dirty) {
    SIEM_TRY(map_status(inst->db->SyncWAL(), "WAL sync"));
  }
  if (impl_->options.read_only) {
    return Status::ok();
  }
  // Checkpoints are due by count or by age; checking is a few atomic loads per engagement.
  const auto now = core::SystemClock{}.now_ms();
  std::vector<std::string> due;
  {
    std::shared_lock lock(impl_->engagements_mu);
    for (auto& [name, e] : impl_->engagements) {
      const auto since = e->last_seq - e->checkpoint_seq;
      if (since >= impl_->options.checkpoint_records
          || (since > 0 && now - e->checkpoint_time >= impl_->options.checkpoint_interval_ms)) {
        due.push_back(name);
      }
    }
  }
  for (const auto& name : due) {
    SIEM_TRY_ASSIGN([[maybe_unused]] const auto cp, checkpoint(name));
  }
  return Status::ok();
}

auto Store::source_position(std::string_view engagement, std::string_view source)
    -> Result<std::optional<std::string>> {
  auto* e = impl_->find(engagement);
  if (e == nullptr) {
    return std::optional<std::string>{};
  }
  std::string v;
  auto s = e->inst->db->Get(rocksdb::ReadOptions{}, e->meta, "pos/" + std::string{source}, &v);
  if (s.IsNotFound()) {
    return std::optional<std::string>{};
  }
  SIEM_TRY(map_status(s, "source position"));
  return std::optional<std::string>{std::move(v)};
}

auto Store::read_raw(std::string_view engagement, std::uint64_t seq) -> Result<core::RawRecord> {
  auto* e = impl_->find(engagement);
  const std::string what = core::make_ref(engagement, seq);
  if (e == nullptr || seq == 0) {
    return core::not_found("no raw record " + what);
  }
  std::unique_ptr<rocksdb::Iterator> it(e->inst->db->NewIterator(rocksdb::ReadOptions{}, e->raw));
  it->SeekForPrev(detail::be64_key(seq));
  if (!it->Valid()) {
    return core::not_found("no raw record " + what);
  }
  const auto first = detail::get_be64(it->key().ToString());
  std::optional<core::RawRecord> found;
  SIEM_TRY(
      decode_raw_block(engagement, first, it->value().ToStringView(), [&](core::RawRecord& rec) {
        if (rec.seq == seq) {
          found = std::move(rec);
          return false;
        }
        return true;
      }));
  if (!found) {
    return core::not_found("no raw record " + what);
  }
  return std::move(*found);
}

auto Store::scan_raw(std::string_view engagement, std::uint64_t from_seq,
                     const std::function<bool(const core::RawRecord&)>& fn) -> Status {
  auto* e = impl_->find(engagement);
  if (e == nullptr) {
    return Status::ok();
  }
  std::unique_ptr<rocksdb::Iterator> it(e->inst->db->NewIterator(rocksdb::ReadOptions{}, e->raw));
  it->SeekForPrev(detail::be64_key(from_seq));
  if (!it->Valid()) {
    it->SeekToFirst();
  }
  bool go_on = true;
  for (; go_on && it->Valid(); it->Next()) {
    const auto first = detail::get_be64(it->key().ToString());
    SIEM_TRY(
        decode_raw_block(engagement, first, it->value().ToStringView(), [&](core::RawRecord& rec) {
          if (rec.seq < from_seq) {
            return true;
          }
          go_on = fn(rec);
          return go_on;
        }));
  }
  return map_status(it->status(), "ledger scan");
}

auto Store::last_seq(std::string_view engagement) -> std::uint64_t {
  auto* e = impl_->find(engagement);
  return e == nullptr ? 0 : e->last_seq.load();
}

// --- events -------------------------------------------------------------------------------

auto Store::put_events(std::string_view engagement, std::span<const core::Event> events,
                       std::uint64_t processed_through) -> Status {
  SIEM_TRY_ASSIGN(auto* e, impl_->find_or_create(engagement));
  std::lock_guard lock(e->process_mu);
  rocksdb::WriteBatch wb;
  std::uint64_t unparsed = 0;
  auto& writer = e->block_writer;
  // Normally one block per call; a new one after kBlockJson bytes of JSON bounds what a
  // reader decompresses for one frame.
  constexpr std::size_t kBlockJson = std::size_t{32} << 20;

  struct Written {
    std::uint64_t first;
    std::size_t begin;  // index into events
    std::size_t count;
    std::optional<core::TimeMs> min_time;
    std::optional<core::TimeMs> max_time;
  };

  std::vector<Written> blocks;
  std::size_t begin = 0;
  const auto finish_block = [&](std::size_t end) -> Status {
    SIEM_TRY(writer.finish(e->event_block));
    wb.Put(e->events, detail::be64_key(writer.first_seq()), e->event_block);
    blocks.push_back(
        {writer.first_seq(), begin, end - begin, writer.min_time(), writer.max_time()});
    writer.clear();
    begin = end;
    return Status::ok();
  };
  writer.clear();
  std::uint64_t prev = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& ev = events[i];
    const auto ref = core::parse_ref(ev.ref);
    if (!ref || ref->engagement != engagement || ref->seq <= prev) {
      return core::invalid_argument("event without a valid ref into engagement "
                                    + std::string{engagement} + " (in ascending order): '" + ev.ref
                                    + "'");
    }
    prev = ref->seq;
    if (writer.count() > 0 && writer.json_bytes() >= kBlockJson) {
      SIEM_TRY(finish_block(i));
    }
    e->event_json.clear();
    ev.append_json(e->event_json);
    SIEM_TRY(writer.add(ref->seq, ev.timestamp, e->event_json));
    if (ev.get_string("event.kind") == std::optional<std::string_view>{"unparsed"}) {
      ++unparsed;
    }
  }
  if (writer.count() > 0) {
    SIEM_TRY(finish_block(events.size()));
  }
  const auto processed = std::max<std::uint64_t>(processed_through, e->processed_seq);
  wb.Put(e->meta, "processed_seq", detail::be64_key(processed));
  wb.Put(e->meta, "count/events", detail::be64_key(e->events_count + events.size()));
  wb.Put(e->meta, "count/unparsed", detail::be64_key(e->unparsed_count + unparsed));
  SIEM_TRY(map_status(e->inst->db->Write(rocksdb::WriteOptions{}, &wb), "event write"));
  e->inst->dirty = true;
  e->processed_seq = processed;
  e->events_count += events.size();
  e->unparsed_count += unparsed;
  if (blocks.empty() || e->postings == nullptr) {
    return Status::ok();
  }
  // Indexed once the blocks are written (a failed write leaves no posting behind); lost at a
  // crash with the rest of the open segment and rebuilt from the blocks at the next open. The
  // events are stored whatever happens here: an indexing failure (a segment table that cannot
  // be written) is reported and repaired from the blocks on a later call, never returned.
  std::lock_guard index_lock(e->index_mu);
  if (e->index_stale) {
    if (auto st = index_open_segment(*e, false); !st) {
      std::fprintf(stderr, "store: engagement %s: event index still behind: %s\n", e->name.c_str(),
                   st.to_string().c_str());
    } else {
      e->index_stale = false;  // the rebuild covered these blocks too
    }
    return Status::ok();
  }
  std::array<char, 24> buf{};
  for (const auto& b : blocks) {
    if (detail::segment_of(b.first) != e->open_index.segment()) {
      if (auto st = flush_segment(*e, detail::segment_of(b.first)); !st) {
        std::fprintf(stderr,
                     "store: engagement %s: event index behind (repaired on a later "
                     "call): %s\n",
                     e->name.c_str(), st.to_string().c_str());
        e->index_stale = true;
        return Status::ok();
      }
    }
    for (std::size_t i = 0; i < b.count; ++i) {
      for (const auto field : indexed_event_fields()) {
        if (const auto v = index_text(events[b.begin + i], field, buf)) {
          e->open_index.add(detail::indexed_field_id(field), *v, b.first,
                            static_cast<std::uint32_t>(i));
        }
      }
    }
    e->open_index.add_block(b.first, b.count, b.min_time, b.max_time);
  }
  return Status::ok();
}

auto Store::read_event(std::string_view engagement, std::uint64_t seq) -> Result<std::string> {
  auto* e = impl_->find(engagement);
  const std::string what = core::make_ref(engagement, seq);
  if (e == nullptr || seq == 0) {
    return core::not_found("no event " + what);
  }
  std::unique_ptr<rocksdb::Iterator> it(
      e->inst->db->NewIterator(rocksdb::ReadOptions{}, e->events));
  it->SeekForPrev(detail::be64_key(seq));
  if (!it->Valid()) {
    SIEM_TRY(map_status(it->status(), "event read"));
    return core::not_found("no event " + what);
  }
  detail::EventBlockReader block;
  SIEM_TRY(block.open(detail::get_be64(it->key().ToStringView()), it->value().ToStringView()));
  const auto i = block.find(seq);
  if (!i) {
    return core::not_found("no event " + what);
  }
  SIEM_TRY_ASSIGN(const auto json, block.json(*i));
  return std::string{json};
}

auto Store::query_events(const EventQuery& query) -> Result<EventPage> {
  auto* e = impl_->find(query.engagement);
  if (e == nullptr) {
    return core::not_found("no engagement '" + query.engagement + "'");
  }
  if (e->postings == nullptr) {
    return Status{StatusCode::unavailable,
                  "engagement '" + query.engagement
                      + "' has no event index yet (store schema 1): start the engine once to "
                        "migrate it"};
  }
  auto* db = e->inst->db.get();
  std::uint64_t last = e->last_seq;
  if (impl_->options.read_only) {  // a running engine may have written since the open
    static_cast<void>(db->TryCatchUpWithPrimary());
    std::lock_guard lock(e->index_mu);
    SIEM_TRY(index_open_segment(*e, true));
    last = std::min(get_u64(db, e->meta, "last_seq"), e->indexed_through);
  }
  const detail::OpenSegmentFn open_segment =
      [e](std::uint32_t segment, const detail::KeyMatch* match, std::optional<core::TimeMs> from,
          std::optional<core::TimeMs> to, std::vector<detail::Candidate>& out) {
        std::lock_guard lock(e->index_mu);
        if (segment != e->open_index.segment()) {
          return false;
        }
        if (match != nullptr) {
          e->open_index.postings(*match, out);
        } else {
          e->open_index.blocks(from, to, out);
        }
        return true;
      };
  return detail::run_event_query(db, e->events, e->postings, last, open_segment, query);
}

auto Store::processed_seq(std::string_view engagement) -> std::uint64_t {
  auto* e = impl_->find(engagement);
  return e == nullptr ? 0 : e->processed_seq.load();
}

// --- incidents ----------------------------------------------------------------------------

auto Store::put_incident(const core::Incident& incident) -> Status {
  if (incident.id.empty()) {
    return core::invalid_argument("incident without id");
  }
  SIEM_TRY_ASSIGN(auto* e, impl_->find_or_create(incident.engagement));
  std::lock_guard lock(e->process_mu);
  auto* db = e->inst->db.get();
  const std::string key = "i/" + incident.id;
  std::string existing;
  const auto gs = db->Get(rocksdb::ReadOptions{}, e->incidents, key, &existing);
  const bool is_new = gs.IsNotFound();
  if (!is_new) {
    SIEM_TRY(map_status(gs, "incident lookup"));
  }
  const std::string json = incident.to_json();
  SIEM_TRY_ASSIGN(const auto delta,
                  detail::incident_delta(is_new ? std::string_view{} : existing, json));
  rocksdb::WriteBatch wb;
  wb.Put(e->incidents, key, json);
  std::string hkey = incident.id + "/";
  detail::put_be64(hkey, static_cast<std::uint64_t>(incident.version));
  wb.Put(e->history, hkey, delta);
  if (is_new) {
    std::string ckey = "c/";
    detail::put_be64(ckey, static_cast<std::uint64_t>(incident.created_at));
    ckey += incident.id;
    wb.Put(e->incidents, ckey, incident.id);
    wb.Put(e->meta, "count/incidents", detail::be64_key(e->incidents_count + 1));
  }
  SIEM_TRY(map_status(db->Write(rocksdb::WriteOptions{}, &wb), "incident write"));
  e->inst->dirty = true;
  if (is_new) {
    ++e->incidents_count;
  }
  return Status::ok();
}

auto Store::incident_history(std::string_view id) -> Result<std::vector<std::string>> {
  std::shared_lock lock(impl_->engagements_mu);
  for (auto& [name, e] : impl_->engagements) {
    std::vector<std::string> versions;
    const std::string prefix = std::string{id} + "/";
    std::unique_ptr<rocksdb::Iterator> it(
        e->inst->db->NewIterator(rocksdb::ReadOptions{}, e->history));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      SIEM_TRY_ASSIGN(auto v, detail::apply_incident_delta(
                                  versions.empty() ? std::string_view{} : versions.back(),
                                  it->value().ToStringView()));
      versions.push_back(std::move(v));
    }
    SIEM_TRY(map_status(it->status(), "incident history"));
    if (!versions.empty()) {
      return versions;
    }
  }
  return core::not_found("no incident " + std::string{id});
}

auto Store::get_incident(std::string_view id) -> Result<std::string> {
  std::shared_lock lock(impl_->engagements_mu);
  for (auto& [name, e] : impl_->engagements) {
    std::string v;
    auto s = e->inst->db->Get(rocksdb::ReadOptions{}, e->incidents, "i/" + std::string{id}, &v);
    if (s.ok()) {
      return v;
    }
    if (!s.IsNotFound()) {
      return map_status(s, "incident lookup");
    }
  }
  return core::not_found("no incident " + std::string{id});
}

auto Store::put_alerts(std::string_view engagement, std::span<const AlertRecord> alerts) -> Status {
  if (alerts.empty()) {
    return Status::ok();
  }
  if (impl_->options.read_only) {
    return core::invalid_argument("store is open read-only");
  }
  SIEM_TRY_ASSIGN(auto* e, impl_->find_or_create(engagement.empty() ? "default" : engagement));
  rocksdb::WriteBatch wb;
  for (const auto& a : alerts) {
    if (a.id.empty()) {
      return core::invalid_argument("alert without id");
    }
    std::string key = "a/";
    detail::put_be64(key, static_cast<std::uint64_t>(a.raised_at));
    key += a.id;
    wb.Put(e->alerts, key, a.json);
  }
  SIEM_TRY(map_status(e->inst->db->Write(rocksdb::WriteOptions{}, &wb), "alert write"));
  e->inst->dirty = true;
  return Status::ok();
}

auto Store::list_alerts(std::string_view engagement, std::string_view cursor, std::size_t limit)
    -> Result<Page> {
  // Cursor: hex of the last key returned ("a/" + be64(raised_at) + id).
  std::string after;
  if (!cursor.empty()) {
    auto decoded = cursor.size() <= 512 ? core::from_hex(cursor) : std::nullopt;
    if (!decoded || !decoded->starts_with("a/")) {
      return core::invalid_argument("malformed cursor");
    }
    after = std::move(*decoded);
  }

  struct Hit {
    std::string key;
    std::string json;
  };

  std::vector<Hit> hits;
  std::shared_lock lock(impl_->engagements_mu);
  for (auto& [name, e] : impl_->engagements) {
    if ((!engagement.empty() && name != engagement) || e->alerts == nullptr) {
      continue;
    }
    std::unique_ptr<rocksdb::Iterator> it(
        e->inst->db->NewIterator(rocksdb::ReadOptions{}, e->alerts));
    if (after.empty()) {
      it->SeekForPrev(std::string("a/\xff", 3));
    } else {
      it->SeekForPrev(after);
      if (it->Valid() && it->key() == after) {
        it->Prev();
      }
    }
    for (std::size_t n = 0; it->Valid() && it->key().starts_with("a/") && n <= limit;
         it->Prev(), ++n) {
      hits.push_back({it->key().ToString(), it->value().ToString()});
    }
    SIEM_TRY(map_status(it->status(), "alert list"));
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.key > b.key; });
  Page page;
  for (std::size_t i = 0; i < hits.size() && i < limit; ++i) {
    page.items.push_back(std::move(hits[i].json));
  }
  if (hits.size() > limit && limit > 0) {
    page.next = core::to_hex(hits[limit - 1].key);
  }
  return page;
}

auto Store::list_incidents(std::string_view engagement, std::string_view cursor,
                           std::size_t limit) -> Result<Page> {
  // Cursor: hex of the last index key returned ("c/" + be64(created_at) + id).
  std::string after;
  if (!cursor.empty()) {
    auto decoded = cursor.size() <= 512 ? core::from_hex(cursor) : std::nullopt;
    if (!decoded) {
      return core::invalid_argument("malformed cursor");
    }
    after = std::move(*decoded);
    if (!after.starts_with("c/")) {
      return core::invalid_argument("malformed cursor");
    }
  }
  struct Hit {
    std::string key;
    Engagement* e;
    std::string id;
  };
  std::vector<Hit> hits;
  std::shared_lock lock(impl_->engagements_mu);
  for (auto& [name, e] : impl_->engagements) {
    if (!engagement.empty() && name != engagement) {
      continue;
    }
    std::unique_ptr<rocksdb::Iterator> it(
        e->inst->db->NewIterator(rocksdb::ReadOptions{}, e->incidents));
    if (after.empty()) {
      it->SeekForPrev(std::string("c/\xff", 3));
    } else {
      it->SeekForPrev(after);
      if (it->Valid() && it->key() == after) {
        it->Prev();
      }
    }
    for (std::size_t n = 0; it->Valid() && it->key().starts_with("c/") && n <= limit;
         it->Prev(), ++n) {
      hits.push_back({it->key().ToString(), e.get(), it->value().ToString()});
    }
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.key > b.key; });
  Page page;
  for (std::size_t i = 0; i < hits.size() && i < limit; ++i) {
    std::string v;
    auto s = hits[i].e->inst->db->Get(rocksdb::ReadOptions{}, hits[i].e->incidents,
                                      "i/" + hits[i].id, &v);
    SIEM_TRY(map_status(s, "incident read"));
    page.items.push_back(std::move(v));
  }
  if (hits.size() > limit && limit > 0) {
    page.next = core::to_hex(hits[limit - 1].key);
  }
  return page;
}

// --- system -------------------------------------------------------------------------------

namespace {

auto encode_user(const UserRecord& u) -> std::string {
  std::string v;
  detail::put_lp(v, u.real_name);
  detail::put_lp(v, u.role);
  detail::put_lp(v, u.password_hash);
  detail::put_varint(v, static_cast<std::uint64_t>(u.created_at));
  detail::put_varint(v, u.disabled ? 1 : 0);
  return v;
}

auto decode_user(std::string_view username, std::string_view v) -> Result<UserRecord> {
  detail::Reader r(v);
  UserRecord u;
  u.username = std::string{username};
  u.real_name = std::string{r.lp()};
  u.role = std::string{r.lp()};
  u.password_hash = std::string{r.lp()};
  u.created_at = static_cast<core::TimeMs>(r.varint());
  u.disabled = r.varint() != 0;
  if (!r.ok()) {
    return Status{StatusCode::corruption, "account record of '" + u.username + "' is damaged"};
  }
  return u;
}

}  // namespace

auto Store::add_user(const UserRecord& user) -> Status {
  SIEM_TRY_ASSIGN(auto* db, impl_->system_db());
  auto* cf = impl_->system->cf("users");
  std::string v;
  if (db->Get(rocksdb::ReadOptions{}, cf, user.username, &v).ok()) {
    return {StatusCode::already_exists, "account '" + user.username + "' already exists"};
  }
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return map_status(db->Put(wo, cf, user.username, encode_user(user)), "account write");
}

auto Store::update_user(const UserRecord& user) -> Status {
  SIEM_TRY_ASSIGN(auto* db, impl_->system_db());
  auto* cf = impl_->system->cf("users");
  std::string v;
  if (!db->Get(rocksdb::ReadOptions{}, cf, user.username, &v).ok()) {
    return core::not_found("no account '" + user.username + "'");
  }
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return map_status(db->Put(wo, cf, user.username, encode_user(user)), "account write");
}

auto Store::get_user(std::string_view username) -> Result<UserRecord> {
  SIEM_TRY_ASSIGN(auto* db, impl_->system_db());
  std::string v;
  auto s = db->Get(rocksdb::ReadOptions{}, impl_->system->cf("users"), username, &v);
  if (s.IsNotFound()) {
    return core::not_found("no account '" + std::string{username} + "'");
  }
  SIEM_TRY(map_status(s, "account read"));
  return decode_user(username, v);
}

auto Store::list_users() -> Result<std::vector<UserRecord>> {
  SIEM_TRY_ASSIGN(auto* db, impl_->system_db());
  std::vector<UserRecord> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions{}, impl_->system->cf("users")));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    SIEM_TRY_ASSIGN(auto u, decode_user(it->key().ToStringView(), it->value().ToStringView()));
    out.push_back(std::move(u));
  }
  return out;
}

auto Store::user_count() -> std::uint64_t {
  auto users = list_users();
  return users ? users->size() : 0;
}

auto Store::put_session(const SessionRecord& session) -> Status {
  SIEM_TRY_ASSIGN(auto* db, impl_->system_db());
  std::string v;
  detail::put_lp(v, session.username);
  detail::put_lp(v, session.role);
  detail::put_varint(v, static_cast<std::uint64_t>(session.created_at));
  detail::put_varint(v, static_cast<std::uint64_t>(session.expires_at));
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return map_status(db->Put(wo, impl_->system->cf("sessions"), session.token_hash, v),
                    "session write");
}

auto Store::get_session(std::string_view token_hash) -> Result<SessionRecord> {
  SIEM_TRY_ASSIGN(auto* db, impl_->system_db());
  std::string v;
  auto s = db->Get(rocksdb::ReadOptions{}, impl_->system->cf("sessions"), token_hash, &v);
  if (s.IsNotFound()) {
    return core::not_found("no such session");
  }
  SIEM_TRY(map_status(s, "session read"));
  detail::Reader r(v);
  SessionRecord out;
  out.token_hash = std::string{token_hash};
  out.username = std::string{r.lp()};
  out.role = std::string{r.lp()};
  out.created_at = static_cast<core::TimeMs>(r.varint());
  out.expires_at = static_cast<core::TimeMs>(r.varint());
  if (!r.ok()) {
    return Status{StatusCode::corruption, "session record is damaged"};
  }
  return out;
}

auto Store::delete_session(std::string_view token_hash) -> Status {
  SIEM_TRY_ASSIGN(auto* db, impl_->system_db());
  return map_status(db->Delete(rocksdb::WriteOptions{}, impl_->system->cf("sessions"), token_hash),
                    "session delete");
}

auto Store::append_audit(const AuditEntry& entry) -> Status {
  SIEM_TRY_ASSIGN(auto* db, impl_->system_db());
  std::lock_guard lock(impl_->audit_mu);
  const std::uint64_t seq = impl_->audit_seq + 1;
  core::JsonWriter w;
  w.begin_object();
  w.field("seq", static_cast<std::int64_t>(seq));
  w.field("time", core::format_rfc3339(entry.time));
  w.field("actor", entry.actor);
  w.field("peer", entry.peer);
  w.field("method", entry.method);
  w.field("target", entry.target);
  w.field("status", entry.status);
  w.field("detail", entry.detail);
  w.field("prev_hash", impl_->audit_head);
  const std::string body = w.str();
  const std::string hash = detail::sha256_hex(impl_->audit_head + body);
  w.field("hash", hash);
  w.end_object();
  rocksdb::WriteBatch wb;
  wb.Put(impl_->system->cf("audit"), detail::be64_key(seq), w.str());
  wb.Put(impl_->system->cf("meta"), "audit_seq", detail::be64_key(seq));
  wb.Put(impl_->system->cf("meta"), "audit_head", hash);
  SIEM_TRY(map_status(db->Write(rocksdb::WriteOptions{}, &wb), "audit write"));
  impl_->system->dirty = true;
  impl_->audit_seq = seq;
  impl_->audit_head = hash;
  return Status::ok();
}

auto Store::list_audit(std::string_view cursor, std::size_t limit) -> Result<Page> {
  SIEM_TRY_ASSIGN(auto* db, impl_->system_db());
  std::uint64_t before = UINT64_MAX;
  if (!cursor.empty()) {
    before = 0;
    for (const char c : cursor) {
      if (c < '0' || c > '9' || before > UINT64_MAX / 10) {
        return core::invalid_argument("malformed cursor");
      }
      before = before * 10 + static_cast<std::uint64_t>(c - '0');
    }
  }
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions{}, impl_->system->cf("audit")));
  it->SeekForPrev(detail::be64_key(before == UINT64_MAX ? before : before - 1));
  Page page;
  std::uint64_t last = 0;
  for (; it->Valid() && page.items.size() < limit; it->Prev()) {
    last = detail::get_be64(it->key().ToString());
    page.items.push_back(it->value().ToString());
  }
  if (it->Valid() && last > 1) {
    page.next = std::to_string(last);
  }
  return page;
}

// --- whole store --------------------------------------------------------------------------

// --- backup and restore ----------------------------------------------------------------

namespace {

/// An audit entry for an administrative store operation (CLI or engine, no network peer).
auto admin_audit(std::string_view actor, std::string_view method, std::string_view target,
                 std::string_view detail = {}) -> AuditEntry {
  AuditEntry a;
  a.time = core::SystemClock{}.now_ms();
  a.actor = std::string{actor};
  a.peer = "-";
  a.method = std::string{method};
  a.target = std::string{target};
  a.detail = std::string{detail};
  return a;
}

/// Signs the object open in `w` (its members so far, closed) and closes it with the signature
/// as the last member; returns the whole text.
auto close_signed(core::JsonWriter& w, const detail::SigningKey& key) -> std::string {
  const std::string body = w.str() + "}";
  w.field("signature", detail::sign_hex(key, body));
  w.end_object();
  return w.str();
}

auto backup_instance(Instance& inst, const fs::path& instance_dir, const fs::path& target,
                     std::uint32_t& id) -> Status {
  rocksdb::Env* env = inst.env ? inst.env.get() : rocksdb::Env::Default();
  std::error_code ec;
  fs::create_directories(target, ec);
  if (ec) {
    return core::io_error("cannot create " + target.string() + ": " + ec.message());
  }
  SIEM_TRY_ASSIGN(const auto marker, read_marker(instance_dir));
  if (marker.present) {  // restore needs the cipher and key id; the key itself stays out
    SIEM_TRY(write_marker(target, marker.cipher, marker.key_id));
  }
  rocksdb::BackupEngine* raw = nullptr;
  SIEM_TRY(map_status(rocksdb::BackupEngine::Open(
                          rocksdb::BackupEngineOptions(target.string(), env), env, &raw),
                      target.string()));
  const std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  rocksdb::CreateBackupOptions create;
  create.flush_before_backup = true;
  rocksdb::BackupID backup_id = 0;
  SIEM_TRY(map_status(engine->CreateNewBackup(create, inst.db.get(), &backup_id), target.string()));
  id = backup_id;
  return Status::ok();
}

auto restore_instance(const fs::path& from, const fs::path& to, std::string_view name,
                      const StoreOptions& options) -> Status {
  SIEM_TRY_ASSIGN(const auto marker, read_marker(from));
  std::unique_ptr<rocksdb::Env> env;
  if (marker.cipher != Cipher::none) {
    SIEM_TRY_ASSIGN([[maybe_unused]] const auto id,
                    make_env(marker.cipher, name, "the backup " + from.string(), options, false,
                             marker.key_id, env));
  }
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) {
    return core::io_error("cannot create " + to.string() + ": " + ec.message());
  }
  rocksdb::Env* e = env ? env.get() : rocksdb::Env::Default();
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  SIEM_TRY(map_status(
      rocksdb::BackupEngineReadOnly::Open(rocksdb::BackupEngineOptions(from.string(), e), e, &raw),
      from.string()));
  const std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  SIEM_TRY(map_status(engine->RestoreDBFromLatestBackup(to.string(), to.string()), from.string()));
  // After the restore, which empties the target directory first.
  return marker.present ? write_marker(to, marker.cipher, marker.key_id) : Status::ok();
}

}  // namespace

auto Store::backup(const std::string& dir, std::string_view actor)
    -> Result<std::vector<BackupEntry>> {
  if (impl_->options.read_only) {
    return core::invalid_argument("backup needs the store opened for writing (stop the engine)");
  }
  if (impl_->system) {
    const AuditEntry audit = admin_audit(actor, "backup", dir);
    SIEM_TRY(append_audit(audit));
  }
  std::vector<BackupEntry> out;
  const fs::path root(dir);
  const fs::path data(impl_->options.data_dir);
  if (impl_->system) {
    BackupEntry entry{"system", 0, 0};
    SIEM_TRY(backup_instance(*impl_->system, data / "system", root / "system", entry.backup_id));
    out.push_back(entry);
  }
  std::shared_lock lock(impl_->engagements_mu);
  for (auto& [name, e] : impl_->engagements) {
    BackupEntry entry{name, 0, e->raw_count.load()};
    SIEM_TRY(backup_instance(*e->inst, data / "engagements" / name, root / "engagements" / name,
                             entry.backup_id));
    out.push_back(entry);
  }
  return out;
}

auto Store::restore(const std::string& backup_dir, const StoreOptions& options,
                    std::string_view actor) -> Status {
  SIEM_TRY(options.validate());
  const fs::path from(backup_dir);
  const fs::path to(options.data_dir);
  std::error_code ec;
  if (!fs::is_directory(from / "system", ec) && !fs::is_directory(from / "engagements", ec)) {
    return core::not_found("no siem backup in " + from.string());
  }
  for (const char* part : {"system", "engagements"}) {
    if (fs::exists(to / part, ec) && !fs::is_empty(to / part, ec)) {
      return Status{StatusCode::already_exists,
                    to.string() + " already holds a store: restore into an empty directory"};
    }
  }
  if (fs::is_directory(from / "system", ec)) {
    SIEM_TRY(restore_instance(from / "system", to / "system", "system", options));
  }
  if (fs::is_directory(from / "engagements", ec)) {
    for (const auto& entry : fs::directory_iterator(from / "engagements", ec)) {
      const auto name = entry.path().filename().string();
      if (!valid_name(name)) {
        continue;
      }
      SIEM_TRY(restore_instance(entry.path(), to / "engagements" / name, name, options));
    }
  }
  SIEM_TRY_ASSIGN(auto restored, Store::open(options));
  const AuditEntry audit = admin_audit(actor, "restore", from.string());
  SIEM_TRY(restored->append_audit(audit));
  return restored->sync();
}

// --- purge ---------------------------------------------------------------------------------

namespace {

constexpr std::string_view kSignatureField = ",\"signature\":\"";

/// A signed JSON object of ours split into the signed bytes and the signature: the signature
/// is the last member, and it covers the object as it reads without it.
struct Signed {
  std::string body;
  std::string signature;
};

auto split_signed(std::string_view text) -> std::optional<Signed> {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  const auto at = text.rfind(kSignatureField);
  if (at == std::string_view::npos || !text.ends_with("\"}")) {
    return std::nullopt;
  }
  const auto sig_start = at + kSignatureField.size();
  return Signed{std::string{text.substr(0, at)} + "}",
                std::string{text.substr(sig_start, text.size() - 2 - sig_start)}};
}

/// The value of a string member `"name":"..."` written by JsonWriter (no escapes in the
/// values we look up: hex, names, times), or empty.
auto string_member(std::string_view json, std::string_view name) -> std::string {
  const std::string key = "\"" + std::string{name} + "\":\"";
  const auto k = json.find(key);
  if (k == std::string_view::npos) {
    return {};
  }
  const auto start = k + key.size();
  const auto end = json.find('"', start);
  return end == std::string_view::npos ? std::string{} : std::string{json.substr(start, end - start)};
}

auto uint_member(std::string_view json, std::string_view name) -> std::optional<std::uint64_t> {
  const std::string key = "\"" + std::string{name} + "\":";
  const auto k = json.find(key);
  if (k == std::string_view::npos) {
    return std::nullopt;
  }
  std::uint64_t v = 0;
  const char* first = json.data() + k + key.size();
  const auto [ptr, ec] = std::from_chars(first, json.data() + json.size(), v);
  return ec == std::errc{} && ptr != first ? std::optional{v} : std::nullopt;
}

// Overwrites a key file with random bytes, syncs, and unlinks it, so that neither the file
// system nor a later undelete gives the key back.
auto shred(const fs::path& file) -> Status {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) {
    return core::io_error("cannot stat " + file.string() + ": " + ec.message());
  }
  const int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    return core::io_error("cannot open " + file.string() + ": " + std::strerror(errno));
  }
  std::string noise(size, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(noise.data()), static_cast<int>(noise.size()));
  const bool ok = ::pwrite(fd, noise.data(), noise.size(), 0) == static_cast<ssize_t>(size)
                  && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || !fs::remove(file, ec)) {
    return core::io_error("cannot destroy " + file.string());
  }
  if (const int dir = ::open(file.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Status::ok();
}

}  // namespace

auto Store::purge(std::string_view engagement, std::string_view operator_name)
    -> Result<PurgeCertificate> {
  if (impl_->options.read_only) {
    return core::invalid_argument("purge needs the store opened for writing (stop the engine)");
  }
  if (operator_name.empty()) {
    return core::invalid_argument("purge needs the name of the operator who orders it");
  }
  std::unique_ptr<Engagement> e;
  {
    std::unique_lock lock(impl_->engagements_mu);
    auto it = impl_->engagements.find(engagement);
    if (it == impl_->engagements.end()) {
      return core::not_found("engagement '" + std::string{engagement} + "' does not exist");
    }
    e = std::move(it->second);
    impl_->engagements.erase(it);
  }
  const std::string name = e->name;
  const fs::path dir = impl_->engagement_dir(name);
  SIEM_TRY_ASSIGN(const auto marker, read_marker(dir));
  SIEM_TRY_ASSIGN(const auto signer, detail::load_signing_key(key_dir_of(impl_->options), "system"));

  core::JsonWriter w;
  w.begin_object();
  w.field("certificate", "engagement-destruction");
  w.field("engagement", name);
  w.field("operator", operator_name);
  w.field("time", core::format_rfc3339(core::SystemClock{}.now_ms()));
  w.field("raw_records", static_cast<std::int64_t>(e->raw_count.load()));
  w.field("events", static_cast<std::int64_t>(e->events_count.load()));
  w.field("unparsed_events", static_cast<std::int64_t>(e->unparsed_count.load()));
  w.field("incidents", static_cast<std::int64_t>(e->incidents_count.load()));
  w.field("last_seq", static_cast<std::int64_t>(e->last_seq.load()));
  w.field("chain_head", core::to_hex(detail::digest_view(e->head)));
  w.field("hash_alg", detail::hash_name(e->alg));
  w.field("cipher", detail::cipher_name(marker.cipher));
  w.field("data_key_id", marker.key_id);
  e.reset();  // closes the instance

  // The key first: from here on the data and every backup of it are unreadable.
  const fs::path key_file = fs::path(key_dir_of(impl_->options)) / (name + ".key");
  std::error_code ec;
  std::string key_fate = "none (not encrypted)";
  if (marker.cipher != Cipher::none) {
    if (fs::exists(key_file, ec)) {
      SIEM_TRY(shred(key_file));
      key_fate = "overwritten and deleted: " + key_file.string();
    } else {
      key_fate = "not in the key directory (given through the environment?): destroy it where "
                 "it is kept";
    }
  }
  if (const fs::path sign_file = fs::path(key_dir_of(impl_->options)) / (name + ".sign");
      fs::exists(sign_file, ec)) {
    SIEM_TRY(shred(sign_file));  // no checkpoint can be signed for it any more
  }
  fs::remove_all(dir, ec);
  if (ec) {
    return core::io_error("cannot remove " + dir.string() + ": " + ec.message());
  }
  w.field("data_key", key_fate);
  w.field("data_removed", dir.string());
  w.field("signer_public_key", signer.public_hex);

  PurgeCertificate cert;
  cert.json = close_signed(w, signer);
  const fs::path cert_dir = fs::path(impl_->options.data_dir) / "certificates";
  fs::create_directories(cert_dir, ec);
  std::string stamp = core::format_rfc3339(core::SystemClock{}.now_ms());
  std::replace(stamp.begin(), stamp.end(), ':', '-');
  cert.path = (cert_dir / ("purge-" + name + "-" + stamp + ".json")).string();
  {
    std::ofstream out(cert.path, std::ios::trunc);
    out << cert.json << "\n";
    out.flush();
    if (!out) {
      return core::io_error("the engagement is destroyed but the certificate could not be written to "
                            + cert.path + "; it is: " + cert.json);
    }
  }
  const AuditEntry audit = admin_audit(operator_name, "purge", name, cert.path);
  SIEM_TRY(append_audit(audit));
  SIEM_TRY(sync());
  return cert;
}

auto Store::verify_certificate(std::string_view certificate, std::string_view expected_signer)
    -> Result<std::string> {
  const auto signed_part = split_signed(certificate);
  if (!signed_part) {
    return core::invalid_argument("not a signed siem certificate (no signature field last)");
  }
  const auto signer = string_member(signed_part->body, "signer_public_key");
  if (signer.empty()) {
    return core::invalid_argument("the certificate names no signer_public_key");
  }
  if (!expected_signer.empty() && signer != expected_signer) {
    return core::invalid_argument("signed by key " + signer + ", not by the expected "
                                  + std::string{expected_signer});
  }
  if (!detail::verify_hex(signer, signed_part->body, signed_part->signature)) {
    return Status{StatusCode::corruption,
                  "the signature does not match: the certificate was altered"};
  }
  return signer;
}

// --- retention -------------------------------------------------------------------------------

auto Store::set_legal_hold(std::string_view engagement, bool on, std::string_view operator_name,
                           std::string_view reason) -> Status {
  auto* e = impl_->find(engagement);
  if (e == nullptr) {
    return core::not_found("engagement '" + std::string{engagement} + "' does not exist");
  }
  rocksdb::WriteOptions wo;
  wo.sync = true;
  const auto st = on ? e->inst->db->Put(wo, e->meta, "legal_hold", std::string{reason})
                     : e->inst->db->Delete(wo, e->meta, "legal_hold");
  SIEM_TRY(map_status(st, "legal hold"));
  const AuditEntry audit =
      admin_audit(operator_name, on ? "legal-hold-on" : "legal-hold-off", engagement, reason);
  return append_audit(audit);
}

auto Store::expire(core::TimeMs now, const std::stop_token& stop)
    -> Result<std::vector<std::pair<std::string, std::uint64_t>>> {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  if (impl_->options.read_only) {
    return core::invalid_argument("expiry needs the store opened for writing");
  }
  std::lock_guard serial(impl_->expire_mu);
  const core::TimeMs cutoff =
      now - static_cast<core::TimeMs>(impl_->options.retention_days) * 86'400'000;
  bool any_hold = false;  // the audit trail is shared: any legal hold keeps all of it
  // Not under engagements_mu while it works: a new engagement's first batch takes that lock
  // exclusively. Engagements leave only by purge, which needs the engine stopped.
  std::vector<Engagement*> engagements;
  {
    std::shared_lock lock(impl_->engagements_mu);
    for (auto& [name, e] : impl_->engagements) {
      engagements.push_back(e.get());
    }
  }
  for (auto* e : engagements) {
    if (stop.stop_requested()) {
      return out;
    }
    const std::string& name = e->name;
    auto* db = e->inst->db.get();
    const auto on_hold = [&] {
      std::string hold;
      return db->Get(rocksdb::ReadOptions{}, e->meta, "legal_hold", &hold).ok();
    };
    if (on_hold()) {
      any_hold = true;
      continue;
    }
    {
      std::lock_guard plock(e->process_mu);
      SIEM_TRY_ASSIGN(const auto incidents, expire_incidents(*e, cutoff));
      if (e->alerts != nullptr) {  // alerts raised before the cutoff
        std::string end = "a/";
        detail::put_be64(end, static_cast<std::uint64_t>(std::max<core::TimeMs>(cutoff, 0)));
        rocksdb::WriteBatch wb;
        std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions{}, e->alerts));
        for (it->Seek("a/"); it->Valid() && it->key().compare(end) < 0; it->Next()) {
          wb.Delete(e->alerts, it->key());
        }
        SIEM_TRY(map_status(it->status(), "alert expiry"));
        if (wb.Count() > 0) {
          SIEM_TRY(map_status(db->Write(rocksdb::WriteOptions{}, &wb), "alert expiry"));
          e->inst->dirty = true;
        }
      }
      if (incidents > 0) {
        static_cast<void>(
            append_audit({now, "retention", "local", "expire", name, 0,
                          std::to_string(incidents) + " incidents last changed before "
                              + core::format_rfc3339(cutoff)}));
      }
    }
    std::uint64_t newest = 0;
    {
      std::lock_guard alock(e->append_mu);
      newest = e->last_seq;
    }
    // Whole blocks from the start whose every record is older than the cutoff. Read without
    // the ledger lock (decoding runs at ~4.5 M records/s, so an hour of blocks at 100 k
    // records/s takes over a minute): blocks before the newest are never written again, so the
    // writer goes on appending meanwhile.
    std::uint64_t through = 0;
    std::uint64_t records = 0;
    std::string head;
    std::uint64_t keep_from = 0;  // key of the first block kept
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions{}, e->raw));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const auto first = detail::get_be64(it->key().ToString());
      if (impl_->options.expiry_block_hook) {
        impl_->options.expiry_block_hook(name, first);
      }
      if (stop.stop_requested()) {  // nothing written yet: the next run starts over
        return out;
      }
      bool old = true;
      std::uint64_t last = first;
      std::string last_hash;
      std::uint64_t n = 0;
      SIEM_TRY(decode_raw_block(name, first, it->value().ToStringView(), [&](core::RawRecord& rec) {
        old = old && rec.received_at < cutoff;
        last = rec.seq;
        last_hash.assign(rec.hash);
        ++n;
        return old;
      }));
      if (!old || last >= newest) {  // the newest block always stays: it holds the head
        keep_from = first;
        break;
      }
      through = last;
      head = std::move(last_hash);
      records += n;
    }
    SIEM_TRY(map_status(it->status(), "ledger expiry"));
    if (through == 0) {
      continue;
    }
    std::lock_guard alock(e->append_mu);
    if (on_hold()) {  // placed while the blocks were read
      any_hold = true;
      continue;
    }
    if (!e->signing_key) {
      SIEM_TRY_ASSIGN(e->signing_key, detail::load_signing_key(key_dir_of(impl_->options), name));
    }
    core::JsonWriter w;
    w.begin_object();
    w.field("expiry", "ledger");
    w.field("engagement", name);
    w.field("seq", static_cast<std::int64_t>(through));
    w.field("head", head);
    w.field("cutoff", core::format_rfc3339(cutoff));
    w.field("records", static_cast<std::int64_t>(records));
    w.field("time", core::format_rfc3339(now));
    w.field("public_key", e->signing_key->public_hex);
    const std::string json = close_signed(w, *e->signing_key);
    // Signed and published before anything is removed: verify then reports an expiry, and
    // a prefix removed without one stays "missing".
    rocksdb::WriteBatch wb;
    wb.Put(e->meta, "expiry", json);
    wb.Put(e->meta, "sign_pub", e->signing_key->public_hex);
    rocksdb::WriteOptions wo;
    wo.sync = true;
    SIEM_TRY(map_status(db->Write(wo, &wb), "expiry checkpoint"));
    SIEM_TRY(impl_->publish(name, json));
    const std::string end = detail::be64_key(keep_from);
    rocksdb::WriteBatch del;
    del.DeleteRange(e->raw, detail::be64_key(0), end);
    del.DeleteRange(e->events, detail::be64_key(0), end);
    if (e->postings != nullptr) {  // the segments all of whose blocks went; see event_index.hpp
      std::string seg_end;
      detail::put_be32(seg_end, detail::segment_of(keep_from));
      del.DeleteRange(e->postings, std::string(4, '\0'), seg_end);
    }
    e->raw_count -= std::min<std::uint64_t>(records, e->raw_count);
    del.Put(e->meta, "count/raw", detail::be64_key(e->raw_count));
    SIEM_TRY(map_status(db->Write(wo, &del), "expiry"));
    out.emplace_back(name, through);
  }
  if (!any_hold) {
    SIEM_TRY_ASSIGN(const auto entries, impl_->expire_audit(cutoff));
    if (entries > 0) {
      static_cast<void>(append_audit(
          {now, "retention", "local", "expire", "audit", 0,
           std::to_string(entries) + " audit entries before " + core::format_rfc3339(cutoff)}));
    }
  }
  return out;
}

// --- checkpoints -----------------------------------------------------------------------------

auto Store::checkpoint(std::string_view engagement) -> Result<std::optional<std::string>> {
  if (impl_->options.read_only) {
    return core::invalid_argument("checkpoints need the store opened for writing");
  }
  auto* e = impl_->find(engagement);
  if (e == nullptr) {
    return core::not_found("engagement '" + std::string{engagement} + "' does not exist");
  }
  std::lock_guard lock(e->append_mu);
  const std::uint64_t seq = e->last_seq;
  if (seq == 0 || seq == e->checkpoint_seq) {
    return std::optional<std::string>{};
  }
  // The head is published only once the records under it are durable.
  SIEM_TRY(map_status(e->inst->db->SyncWAL(), "WAL sync"));
  if (!e->signing_key) {
    SIEM_TRY_ASSIGN(e->signing_key, detail::load_signing_key(key_dir_of(impl_->options), e->name));
  }
  const auto now = core::SystemClock{}.now_ms();
  core::JsonWriter w;
  w.begin_object();
  w.field("checkpoint", "ledger");
  w.field("engagement", e->name);
  w.field("seq", static_cast<std::int64_t>(seq));
  w.field("head", core::to_hex(detail::digest_view(e->head)));
  w.field("hash_alg", detail::hash_name(e->alg));
  w.field("time", core::format_rfc3339(now));
  w.field("public_key", e->signing_key->public_hex);
  const std::string json = close_signed(w, *e->signing_key);

  rocksdb::WriteBatch wb;
  wb.Put(e->meta, "cp/" + detail::be64_key(seq), json);
  wb.Put(e->meta, "cp_last", detail::be64_key(seq));
  wb.Put(e->meta, "sign_pub", e->signing_key->public_hex);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  SIEM_TRY(map_status(e->inst->db->Write(wo, &wb), "checkpoint"));
  SIEM_TRY(impl_->publish(e->name, json));
  e->checkpoint_seq = seq;
  e->checkpoint_time = now;
  return std::optional<std::string>{json};
}

auto Store::engagements() -> std::vector<std::string> {
  std::shared_lock lock(impl_->engagements_mu);
  std::vector<std::string> out;
  for (const auto& [name, e] : impl_->engagements) {
    out.push_back(name);
  }
  return out;
}

auto Store::stats() -> Result<StoreStats> {
  StoreStats out;
  std::shared_lock lock(impl_->engagements_mu);
  for (auto& [name, e] : impl_->engagements) {
    EngagementStats s;
    s.engagement = name;
    s.counts.raw_records = e->raw_count;
    s.counts.events = e->events_count;
    s.counts.unparsed = e->unparsed_count;
    s.counts.incidents = e->incidents_count;
    s.last_seq = e->last_seq;
    s.processed_seq = e->processed_seq;
    {
      std::lock_guard slock(e->sources_mu);
      s.sources.assign(e->source_counts.begin(), e->source_counts.end());
    }
    out.totals.raw_records += s.counts.raw_records;
    out.totals.events += s.counts.events;
    out.totals.unparsed += s.counts.unparsed;
    out.totals.incidents += s.counts.incidents;
    out.engagements.push_back(std::move(s));
  }
  return out;
}

namespace {

/// A signed head: a checkpoint stored in the engagement, or a line of the anchor file.
struct SignedHead {
  std::string head;
  std::string public_key;
  bool signature_ok = false;
};

using SignedHeads = std::map<std::uint64_t, SignedHead>;

auto digest_from_hex(std::string_view hex, Digest& out) -> bool {
  const auto bytes = core::from_hex(hex);
  if (!bytes || bytes->size() != out.size()) {
    return false;
  }
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return true;
}

auto parse_head(std::string_view json) -> std::optional<std::pair<std::uint64_t, SignedHead>> {
  const auto signed_part = split_signed(json);
  if (!signed_part) {
    return std::nullopt;
  }
  const auto seq = uint_member(signed_part->body, "seq");
  SignedHead h{string_member(signed_part->body, "head"),
               string_member(signed_part->body, "public_key"), false};
  if (!seq || h.head.empty() || h.public_key.empty()) {
    return std::nullopt;
  }
  h.signature_ok = detail::verify_hex(h.public_key, signed_part->body, signed_part->signature);
  return std::pair{*seq, std::move(h)};
}

}  // namespace

auto Store::verify(std::string_view engagement, const std::string& anchor_file)
    -> Result<std::vector<VerifyReport>> {
  // Published heads per engagement, from the anchor file.
  std::map<std::string, SignedHeads, std::less<>> anchors;
  if (!anchor_file.empty()) {
    std::ifstream in(anchor_file);
    if (!in) {
      return core::not_found("cannot read the anchor file " + anchor_file);
    }
    std::string line;
    for (std::size_t n = 1; std::getline(in, line); ++n) {
      if (line.empty()) {
        continue;
      }
      auto head = parse_head(line);
      const auto name = string_member(line, "engagement");
      if (!head || name.empty()) {
        return core::invalid_argument(anchor_file + " line " + std::to_string(n)
                                      + " is not a signed checkpoint");
      }
      anchors[name].insert(std::move(*head));
    }
  }
  std::vector<VerifyReport> reports;
  std::shared_lock lock(impl_->engagements_mu);
  if (!engagement.empty() && impl_->engagements.find(engagement) == impl_->engagements.end()) {
    return core::not_found("no engagement '" + std::string{engagement} + "'");
  }
  for (auto& [name, e] : impl_->engagements) {
    if (!engagement.empty() && name != engagement) {
      continue;
    }
    VerifyReport rep;
    rep.engagement = name;
    auto fail = [&](std::uint64_t seq, std::string problem) {
      if (rep.ok) {
        rep.ok = false;
        rep.first_bad_seq = seq;
        rep.problem = std::move(problem);
      }
    };
    auto* db = e->inst->db.get();
    // A copy: clang 14 (the fuzz build) cannot capture a structured binding in a lambda.
    const auto alg = e->alg;
    const auto v2_from = e->chain_v2_from;
    SignedHeads checkpoints;
    {
      std::unique_ptr<rocksdb::Iterator> cp(db->NewIterator(rocksdb::ReadOptions{}, e->meta));
      for (cp->Seek("cp/"); cp->Valid() && cp->key().starts_with("cp/"); cp->Next()) {
        if (auto head = parse_head(cp->value().ToStringView())) {
          checkpoints.insert(std::move(*head));
        } else {
          fail(detail::get_be64(cp->key().ToString().substr(3)), "a stored checkpoint is malformed");
        }
      }
    }
    std::string sign_pub;
    static_cast<void>(db->Get(rocksdb::ReadOptions{}, e->meta, "sign_pub", &sign_pub));
    // An expired prefix: the signed expiry checkpoint gives the chain head to go on from.
    Digest prev{};
    std::uint64_t expected = 1;
    if (std::string expiry; db->Get(rocksdb::ReadOptions{}, e->meta, "expiry", &expiry).ok()) {
      const auto head = parse_head(expiry);
      if (!head || !head->second.signature_ok
          || (!sign_pub.empty() && head->second.public_key != sign_pub)) {
        fail(1, "the expiry checkpoint is malformed or its signature is invalid");
      } else {
        if (!digest_from_hex(head->second.head, prev)) {
          fail(1, "the expiry checkpoint's chain head is malformed");
        } else {
          rep.expired_through = head->first;
          expected = head->first + 1;
        }
      }
    }
    const auto published = anchors.find(name);
    const SignedHeads no_anchors;
    const SignedHeads& anchored = published == anchors.end() ? no_anchors : published->second;
    // Checks the signed heads at `seq` against the link the ledger gives there.
    const auto check_heads = [&](std::uint64_t seq, const Digest& link) {
      for (const SignedHeads* heads : {&std::as_const(checkpoints), &anchored}) {
        const auto it = heads->find(seq);
        if (it == heads->end()) {
          continue;
        }
        const std::string what = heads == &checkpoints ? "the stored checkpoint at record "
                                                       : "the published anchor at record ";
        if (!it->second.signature_ok) {
          fail(seq, what + std::to_string(seq) + " has an invalid signature");
        } else if (!sign_pub.empty() && it->second.public_key != sign_pub) {
          fail(seq, what + std::to_string(seq) + " is signed by another key");
        } else if (it->second.head != core::to_hex(detail::digest_view(link))) {
          fail(seq, what + std::to_string(seq)
                        + " does not match the ledger: the records up to it were rewritten");
        } else {
          ++(heads == &checkpoints ? rep.checkpoints_checked : rep.anchors_checked);
        }
      }
      return rep.ok;
    };
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions{}, e->raw));
    for (it->SeekToFirst(); it->Valid() && rep.ok; it->Next()) {
      const auto first = detail::get_be64(it->key().ToString());
      if (it->key().size() != 8) {
        fail(expected, "unexpected key in the ledger");
        break;
      }
      if (first > expected) {
        fail(expected, "records " + std::to_string(expected) + ".." + std::to_string(first - 1)
                           + " are missing from the ledger");
        break;
      }
      if (first < expected) {
        fail(first, "record " + std::to_string(first)
                        + " appears twice or out of order (block overlaps its predecessor)");
        break;
      }
      auto s =
          decode_raw_block(name, first, it->value().ToStringView(), [&](core::RawRecord& rec) {
            const auto link =
                rec.seq < v2_from
                    ? detail::chain_link_v1(alg, prev, rec.seq, rec.received_at, rec.source,
                                            rec.position, rec.bytes)
                    : detail::chain_link_v2(alg, prev, rec.seq,
                                            detail::record_digest(alg, rec.received_at, rec.source,
                                                                  rec.position, rec.bytes));
            if (core::to_hex(detail::digest_view(link)) != rec.hash) {
              fail(rec.seq, "record " + std::to_string(rec.seq)
                                                      + " was altered or reordered (chain hash "
                                                        "mismatch)");
              return false;
            }
            prev = link;
            ++rep.records_checked;
            ++expected;
            return check_heads(rec.seq, link);
          });
      if (!s) {
        fail(first, std::string{s.message()});
      }
    }
    for (const SignedHeads* heads : {&std::as_const(checkpoints), &anchored}) {
      if (rep.ok && !heads->empty() && heads->rbegin()->first > expected - 1) {
        const auto seq = heads->rbegin()->first;
        fail(expected, std::string(heads == &checkpoints ? "a stored checkpoint" : "a published anchor")
                           + " covers record " + std::to_string(seq) + " but the ledger ends at "
                           + std::to_string(expected - 1) + ": the tail was truncated");
      }
    }
    if (rep.ok) {
      std::string v;
      const auto meta_last = get_u64(db, e->meta, "last_seq");
      if (expected - 1 < meta_last) {
        fail(expected, "ledger ends at record " + std::to_string(expected - 1)
                           + " but its head says " + std::to_string(meta_last)
                           + ": the tail was truncated");
      } else if (expected - 1 > meta_last) {
        fail(meta_last + 1, "records after the recorded head " + std::to_string(meta_last)
                                + " were added outside the engine");
      } else if (meta_last > 0
                 && (!db->Get(rocksdb::ReadOptions{}, e->meta, "head", &v).ok()
                     || v != detail::digest_view(prev))) {
        fail(meta_last, "chain head does not match the recorded head");
      }
    }
    reports.push_back(std::move(rep));
  }
  return reports;
}

}  // namespace siem::store
