#pragma once

// Opens the "default" engagement's RocksDB instance of a store directly, with its data key
// (AES-256-CTR, the default cipher), as an insider with access to the host could: for tests
// that alter or inspect what the store wrote. Every column family is open, by name.

#include <boost/test/unit_test.hpp>
#include <rocksdb/db.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "encryption.hpp"

namespace siem::test {

using Families = std::map<std::string, rocksdb::ColumnFamilyHandle*>;

inline void with_engagement_db(const std::string& data_dir,
                               const std::function<void(rocksdb::DB*, Families&)>& fn) {
  const auto key = store::detail::load_key(data_dir + "/keys", "default", false);
  BOOST_REQUIRE_MESSAGE(key.has_value(), key.error().to_string());
  auto env = store::detail::make_encrypted_env(store::Cipher::aes_256_ctr, *key);
  BOOST_REQUIRE(env.has_value());
  rocksdb::Options options;
  options.env = env->get();
  // Every family the instance has (RocksDB refuses to open it with one left out).
  std::vector<std::string> names;
  const auto listed =
      rocksdb::DB::ListColumnFamilies(options, data_dir + "/engagements/default", &names);
  BOOST_REQUIRE_MESSAGE(listed.ok(), listed.ToString());
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const auto& n : names) {
    cfs.emplace_back(n, rocksdb::ColumnFamilyOptions{});
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  const auto s = rocksdb::DB::Open(options, data_dir + "/engagements/default", cfs, &handles, &db);
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  Families by_name;
  for (auto* h : handles) {
    by_name[h->GetName()] = h;
  }
  fn(db, by_name);
  for (auto* h : handles) {
    static_cast<void>(db->DestroyColumnFamilyHandle(h));
  }
  delete db;
}

}  // namespace siem::test
