#pragma once

#include "siem/core/event.hpp"
#include "siem/core/incident.hpp"
#include "siem/core/raw_record.hpp"
#include "siem/core/status.hpp"
#include "siem/core/time.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace siem::store {

/// Hash of the ledger chain. SM3 (GB/T 32905) is the compliance default.
enum class HashAlgorithm : std::uint8_t { sm3, sha256 };

/// Cipher for data at rest. CTR modes (random access inside files) on OpenSSL EVP: AES-256
/// for the performance profile (AES-NI), SM4 (GB/T 32907) for the compliance profile.
enum class Cipher : std::uint8_t { none, aes_256_ctr, sm4_ctr };

/// Store configuration. Defaults are the documented embedded defaults.
struct StoreOptions {
  std::string data_dir = "./var/siem";
  HashAlgorithm hash = HashAlgorithm::sm3;
  /// Encryption of instances created from now on (each instance keeps the cipher it was
  /// created with, recorded in its ENCRYPTION file).
  Cipher encryption = Cipher::aes_256_ctr;
  /// Where data keys live (`<name>.key`, one per engagement plus `system`); empty means the
  /// environment's SIEM_KEY_DIR, else `<data_dir>/keys`. Keep it outside what you copy as
  /// backup for purge to shred backups.
  std::string key_dir{};
  /// Append-only file the signed checkpoint heads are published to (ship it off the host:
  /// `siem verify --anchor` compares the store with it); empty means `<data_dir>/anchors.jsonl`.
  std::string anchor_file{};
  /// Called with (engagement, line) after each signed head is appended to the anchor file,
  /// to publish it elsewhere too (the engine sets it to a Kafka producer for
  /// store.anchor_kafka). Must not block; called under the store's anchor lock.
  std::function<void(std::string_view, std::string_view)> anchor_sink{};
  /// A checkpoint after this many records since the last one ...
  std::uint64_t checkpoint_records = 100'000;
  /// ... or this long after the last one when records came since (milliseconds).
  std::int64_t checkpoint_interval_ms = 60'000;
  /// Raw records (and their events) older than this, by receive time, expire unless the
  /// engagement is on legal hold (GB/T 32914 5.3.5 d, 5.7 f: at least 5 years).
  std::uint64_t retention_days = 1825;
  /// Open every instance read-only (CLI tools next to a running engine).
  bool read_only = false;
  /// RocksDB block cache per instance, MiB.
  std::size_t block_cache_mb = 64;
  /// Tests: called by expire() with (engagement, first sequence) before it reads each raw
  /// block, without any store lock held.
  std::function<void(std::string_view, std::uint64_t)> expiry_block_hook{};

  [[nodiscard]] auto validate() const -> core::Status;
};

/// A record's chain link in hex, as events and exports show it.
auto link_hex(const std::array<unsigned char, 32>& link) -> std::string;
/// link_hex appended to out (no allocation once out has the room).
void append_link_hex(std::string& out, const std::array<unsigned char, 32>& link);

/// What one ledger append wrote.
struct AppendResult {
  std::uint64_t first_seq = 0;
  std::uint64_t count = 0;
  std::vector<std::array<unsigned char, 32>> hashes;  ///< chain link per record, in order

  /// Record i's chain link in hex, as events and exports show it.
  [[nodiscard]] auto hash_hex(std::size_t i) const -> std::string;
};

/// Counters of one engagement (or the totals).
struct Counts {
  std::uint64_t raw_records = 0;
  std::uint64_t events = 0;
  std::uint64_t unparsed = 0;
  std::uint64_t incidents = 0;
};

struct EngagementStats {
  std::string engagement;
  Counts counts;
  std::uint64_t last_seq = 0;
  std::uint64_t processed_seq = 0;
  /// Per source: records stored.
  std::vector<std::pair<std::string, std::uint64_t>> sources;
};

struct StoreStats {
  Counts totals;
  std::vector<EngagementStats> engagements;
};

/// Result of walking one engagement's chain.
struct VerifyReport {
  std::string engagement;
  std::uint64_t records_checked = 0;
  std::uint64_t expired_through = 0;      ///< records 1..this expired (signed expiry checkpoint)
  std::uint64_t checkpoints_checked = 0;  ///< signed checkpoints stored in the engagement
  std::uint64_t anchors_checked = 0;      ///< published heads read from the anchor file
  bool ok = true;
  std::uint64_t first_bad_seq = 0;  ///< 0 when ok
  std::string problem;              ///< what is wrong with first_bad_seq
};

/// A real-name account (system instance).
struct UserRecord {
  std::string username;
  std::string real_name;
  std::string role;           ///< admin | handler | analyst | auditor
  std::string password_hash;  ///< libsodium crypto_pwhash_str (Argon2id)
  core::TimeMs created_at = 0;
  bool disabled = false;
};

/// A login session. The token itself is never stored, only its SHA-256.
struct SessionRecord {
  std::string token_hash;  ///< hex
  std::string username;
  std::string role;
  core::TimeMs created_at = 0;
  core::TimeMs expires_at = 0;
};

/// One audited operator action.
struct AuditEntry {
  core::TimeMs time = 0;
  std::string actor;   ///< username, or "-" when unauthenticated
  std::string peer;    ///< remote address
  std::string method;  ///< HTTP method or CLI command
  std::string target;  ///< path or object
  int status = 0;      ///< HTTP status or exit code
  std::string detail;
};

/// One instance written by Store::backup().
struct BackupEntry {
  std::string instance;  ///< "system" or the engagement name
  std::uint32_t backup_id = 0;
  std::uint64_t records = 0;  ///< raw records in the engagement at backup time (0 for system)
};

/// The signed record of an engagement's destruction (GB/T 32914 5.3.5 c, 5.9 g).
struct PurgeCertificate {
  std::string json;  ///< the certificate, its Ed25519 signature last
  std::string path;  ///< where it was written: <data_dir>/certificates/purge-<name>-<time>.json
};

/// A page of a list: items are JSON objects; `next` is the cursor of the next page.
struct Page {
  std::vector<std::string> items;
  std::optional<std::string> next;
};

/// An alert as stored: raised by a correlation rule, or by the engine itself (a silent
/// source). Kept per engagement in the order raised.
struct AlertRecord {
  std::string id;  ///< unique per alert (rules: UUIDv5 of rule and refs)
  /// Receive time of the record that raised it (so that a replay after a crash stores the
  /// same key again), or when the engine raised it; retention is measured on it.
  core::TimeMs raised_at = 0;
  std::string json;  ///< the alert object
};

/// One condition of an event query, on a field by its dotted ECS name ("source.ip").
struct EventCondition {
  enum class Op : std::uint8_t {
    equals,  ///< the value (any element, for arrays); IPs compared as addresses
    cidr,    ///< an IP field inside a network ("10.0.0.0/8", "2001:db8::/32")
    prefix,  ///< a string field starting with the value
  };
  std::string field;
  Op op = Op::equals;
  std::string value;

  /// The condition `field=value` as the CLI and the API write it: a CIDR when the field is an
  /// IP field (source.ip, destination.ip, host.ip, related.ip, ...) and the value holds a
  /// '/', a prefix when the value ends in '*', else equality. Errors: invalid_argument
  /// (empty field, malformed address or network).
  static auto parse(std::string_view field, std::string_view value) -> core::Result<EventCondition>;
};

/// A search of one engagement's stored events, newest first (descending ledger sequence).
/// Conditions on the indexed fields (indexed_event_fields()) are answered from the per-batch
/// postings; every condition is also checked on the event itself.
struct EventQuery {
  std::string engagement;
  std::optional<core::TimeMs> from;   ///< `@timestamp` >= from (events without one never match)
  std::optional<core::TimeMs> to;     ///< `@timestamp` < to
  std::vector<EventCondition> where;  ///< all must hold
  std::size_t limit = 100;            ///< 1..10000
  std::string cursor;                 ///< `next` of the previous page
  /// Events examined before a page is returned short (with `next`), so that a query no index
  /// narrows answers in bounded time; the caller continues with the cursor.
  std::uint64_t max_examined = 1'000'000;
};

struct EventPage {
  std::vector<std::string> items;   ///< the events' JSON, newest first
  std::optional<std::string> next;  ///< cursor of the next page, absent at the end
  std::uint64_t examined = 0;       ///< events read and checked for this page
  std::string index;                ///< the indexed field that drove the search, or empty
};

/// The fields with a secondary index: source.ip, destination.ip, user.name, host.name, rule.id.
auto indexed_event_fields() -> std::span<const std::string_view>;

/// The evidence store: one RocksDB instance per engagement under
/// `<data_dir>/engagements/<name>/` plus `<data_dir>/system/` for accounts, sessions and the
/// audit trail.
///
/// Thread-safe: appends for one engagement must come from one writer thread (the chain is
/// linked in append order); every other call may come from any thread.
class Store {
public:
  /// Opens (creating when needed, unless read_only) the data directory and every engagement
  /// found in it. Errors: invalid_argument (options), io_error / unavailable (locked by a
  /// running engine), corruption.
  static auto open(const StoreOptions& options) -> core::Result<std::unique_ptr<Store>>;

  Store(const Store&) = delete;
  auto operator=(const Store&) -> Store& = delete;
  Store(Store&&) = delete;
  auto operator=(Store&&) -> Store& = delete;
  ~Store();

  // --- ledger ---------------------------------------------------------------------------

  /// Appends a batch of raw records to the engagement's ledger (created on first use): one
  /// atomic WriteBatch holding the records, their chain hashes, counters and — when
  /// `batch.durable_position` — the source position. Not yet fsynced: call sync() before
  /// acknowledging. Errors: invalid_argument (bad engagement name), io_error.
  auto append(const core::RawBatch& batch) -> core::Result<AppendResult>;

  /// Hashes each record of `batch` on the calling thread (the digest the chain links over,
  /// with the hash its engagement uses) and marks the batch digested, so that append() only
  /// chains 32-byte digests. Sources call it on their own threads before queueing a batch.
  /// Optional: append() digests what is not digested, or digested with another hash.
  /// `first`: records before it are already digested (a batch that grew).
  void digest(core::RawBatch& batch, std::size_t first = 0) const;

  /// Group commit: fsyncs the WAL of every engagement written since the last call.
  auto sync() -> core::Status;

  /// The stored position of a source, if any.
  auto source_position(std::string_view engagement, std::string_view source)
      -> core::Result<std::optional<std::string>>;

  /// One raw record. Errors: not_found.
  auto read_raw(std::string_view engagement, std::uint64_t seq) -> core::Result<core::RawRecord>;

  /// Calls `fn` for records with seq >= from_seq in order until it returns false. The record
  /// passed is refilled for the next one: keep copies, not references, past the call.
  auto scan_raw(std::string_view engagement, std::uint64_t from_seq,
                const std::function<bool(const core::RawRecord&)>& fn) -> core::Status;

  /// Highest stored ledger sequence (0 when empty).
  auto last_seq(std::string_view engagement) -> std::uint64_t;

  // --- events ---------------------------------------------------------------------------

  /// Stores normalized events (each must have `ref` set to its raw record, in ascending
  /// sequence) as one zstd-compressed block with its postings (one key per distinct indexed
  /// value) and advances the engagement's processed-sequence checkpoint to
  /// `processed_through`, atomically. Errors: invalid_argument (ref), internal, io_error.
  auto put_events(std::string_view engagement, std::span<const core::Event> events,
                  std::uint64_t processed_through) -> core::Status;

  /// The stored event (JSON) for a ledger sequence. Errors: not_found.
  auto read_event(std::string_view engagement, std::uint64_t seq) -> core::Result<std::string>;

  /// Searches stored events (see EventQuery). Errors: invalid_argument (limit, cursor,
  /// conditions), not_found (no such engagement), corruption.
  auto query_events(const EventQuery& query) -> core::Result<EventPage>;

  /// Highest ledger sequence whose event is stored (normalization checkpoint).
  auto processed_seq(std::string_view engagement) -> std::uint64_t;

  // --- alerts ---------------------------------------------------------------------------

  /// Stores alerts in the engagement's `alerts` family, keyed by (raised_at, id): storing the
  /// same alert again (a replay after a crash) overwrites it. Errors: invalid_argument.
  auto put_alerts(std::string_view engagement, std::span<const AlertRecord> alerts) -> core::Status;

  /// Alerts newest first, across engagements when `engagement` is empty; `cursor` is the
  /// previous page's `next`. Errors: invalid_argument (malformed cursor).
  auto list_alerts(std::string_view engagement, std::string_view cursor, std::size_t limit)
      -> core::Result<Page>;

  // --- incidents ------------------------------------------------------------------------

  /// Stores a new version of an incident: the current version whole, and in its history the
  /// members that changed since the version before (see incident_history()).
  auto put_incident(const core::Incident& incident) -> core::Status;

  /// Every version of an incident, oldest first, as JSON objects rebuilt from the history's
  /// deltas (each version stores only the members that changed). Errors: not_found,
  /// corruption.
  auto incident_history(std::string_view id) -> core::Result<std::vector<std::string>>;

  /// Current version of an incident as JSON, searched across engagements. Errors: not_found.
  auto get_incident(std::string_view id) -> core::Result<std::string>;

  /// Incidents, newest first. `engagement` empty = all. `cursor` from a previous page.
  auto list_incidents(std::string_view engagement, std::string_view cursor, std::size_t limit)
      -> core::Result<Page>;

  // --- system: accounts, sessions, audit ---------------------------------------------------

  /// Creates an account. Errors: already_exists.
  auto add_user(const UserRecord& user) -> core::Status;
  /// Replaces an existing account. Errors: not_found.
  auto update_user(const UserRecord& user) -> core::Status;
  auto get_user(std::string_view username) -> core::Result<UserRecord>;
  auto list_users() -> core::Result<std::vector<UserRecord>>;
  auto user_count() -> std::uint64_t;

  auto put_session(const SessionRecord& session) -> core::Status;
  /// Errors: not_found.
  auto get_session(std::string_view token_hash) -> core::Result<SessionRecord>;
  auto delete_session(std::string_view token_hash) -> core::Status;

  /// Appends to the audit trail (hash-chained, system instance).
  auto append_audit(const AuditEntry& entry) -> core::Status;
  /// Audit entries, newest first, as JSON objects.
  auto list_audit(std::string_view cursor, std::size_t limit) -> core::Result<Page>;

  // --- whole store ----------------------------------------------------------------------

  auto stats() -> core::Result<StoreStats>;
  /// Walks every engagement's chain (or one, when named).
  /// Besides every chain link, checks the engagement's signed checkpoints and, with
  /// `anchor_file`, the heads published there (lines written by checkpoint()): a published
  /// head that the ledger no longer reproduces means the store was rewritten, even when the
  /// rewrite was re-chained and re-signed with the engagement's own key.
  auto verify(std::string_view engagement = {}, const std::string& anchor_file = {})
      -> core::Result<std::vector<VerifyReport>>;

  /// Signs the engagement's current chain head (sequence, head, time) with its Ed25519 key
  /// (`<key_dir>/<engagement>.sign`, created on first use), stores the checkpoint in the
  /// engagement and appends it to the anchor file (store.anchor_file), fsyncing both after the
  /// ledger's WAL. Returns the checkpoint JSON, or nullopt when nothing was appended since the
  /// last one. sync() calls this on its own every checkpoint_records records or
  /// checkpoint_interval_ms; so does closing the store. Errors: not_found, io_error.
  auto checkpoint(std::string_view engagement) -> core::Result<std::optional<std::string>>;
  auto engagements() -> std::vector<std::string>;
  [[nodiscard]] auto options() const -> const StoreOptions&;

  /// Backs up every instance (system and each engagement) into `dir` with RocksDB's
  /// BackupEngine, flushing first; a later backup into the same directory is incremental.
  /// Backup files are written through each instance's own encrypting Env, so they are
  /// encrypted under that instance's data key: reading them needs the key, and destroying
  /// an engagement's key shreds its backups too. Not on a read-only store. Errors: io_error,
  /// invalid_argument.
  /// The backup is recorded in the audit trail (as `actor`) before the system instance is
  /// copied, so the backup holds its own record.
  auto backup(const std::string& dir, std::string_view actor = "-")
      -> core::Result<std::vector<BackupEntry>>;

  /// Restores the latest backup in `backup_dir` into `options.data_dir`, which must hold no
  /// store yet. Encrypted instances need their data keys (key_dir or environment), checked
  /// against the key id recorded at backup time. Errors: not_found (no backup, no key),
  /// already_exists (target not empty), invalid_argument (wrong key), io_error.
  /// The restore is recorded in the restored store's audit trail (as `actor`).
  static auto restore(const std::string& backup_dir, const StoreOptions& options,
                      std::string_view actor = "-") -> core::Status;

  /// Removes, per engagement not on legal hold, the whole ledger blocks whose records were all
  /// received more than retention_days before `now`, with the events stored for them. First a
  /// signed expiry checkpoint (through which record, the chain head there, the cutoff) is
  /// stored and published to the anchor file, so that verify reports the expiry instead of
  /// missing records and can still check the chain from there. Returns, per engagement that
  /// expired something, its name and the last expired sequence. The engine runs this hourly on
  /// a thread of its own: it reads the blocks it removes without the ledger lock and takes it
  /// only to write the expiry, so appends go on meanwhile; a legal hold placed during the read
  /// is honoured. A requested `stop` ends the run before the next block it would read (what
  /// was not yet written is left for the next run). Calls are serialised.
  auto expire(core::TimeMs now, const std::stop_token& stop = {})
      -> core::Result<std::vector<std::pair<std::string, std::uint64_t>>>;

  /// Puts an engagement on legal hold (nothing expires) or takes it off; audited.
  /// Errors: not_found.
  auto set_legal_hold(std::string_view engagement, bool on, std::string_view operator_name,
                      std::string_view reason) -> core::Status;

  /// Destroys an engagement at the end of an engagement: its data key file is overwritten and
  /// deleted first (so every backup made under it becomes unreadable too), then its RocksDB
  /// instance and directory. Writes a certificate (counts, last sequence, final chain head,
  /// hash algorithm, key id, time, operator) signed with the installation's Ed25519 key
  /// (`<key_dir>/system.sign`, created on first use), keeps it under the data directory and
  /// records the purge in the audit trail. A key given through SIEM_KEY_<NAME> cannot be
  /// destroyed here: the certificate says so. Not on a read-only store; the caller makes sure
  /// no source still writes to the engagement. Errors: not_found, invalid_argument, io_error.
  auto purge(std::string_view engagement, std::string_view operator_name)
      -> core::Result<PurgeCertificate>;

  /// Checks a purge certificate's signature with the public key it names; with
  /// `expected_signer`, also that the key is that one (hex). Returns the signer's public key.
  /// Errors: invalid_argument (malformed, or not signed by the expected key), corruption
  /// (the signature does not match: the certificate was altered).
  static auto verify_certificate(std::string_view certificate, std::string_view expected_signer = {})
      -> core::Result<std::string>;

private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// "RocksDB 7.8.3, OpenSSL 3.0.x" — versions of the libraries behind the store.
auto library_versions() -> std::string;

/// Valid engagement and source names: 1-64 of [A-Za-z0-9_.-], not starting with '.'.
auto valid_name(std::string_view name) -> bool;

}  // namespace siem::store
