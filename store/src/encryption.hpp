#pragma once

#include <rocksdb/env.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "siem/core/status.hpp"
#include "siem/store/store.hpp"

namespace siem::store::detail {

/// A 256-bit data key; SM4 (a 128-bit cipher) uses its first 16 bytes.
using DataKey = std::array<unsigned char, 32>;

/// Bytes at the start of every encrypted file, before the ciphertext (plaintext: magic,
/// cipher, key id, key-check value, the file's IV). One page, as RocksDB recommends.
constexpr std::size_t kPrefixLength = 4096;

/// "aes-256-ctr" / "sm4-ctr" / "none".
auto cipher_name(Cipher c) -> std::string_view;
auto parse_cipher(std::string_view s) -> core::Result<Cipher>;

/// Hex of the first 8 bytes of SHA-256("siem data key id" || key): names a key without
/// revealing it (what a wrong-key error reports).
auto key_id(const DataKey& key) -> std::string;

/// The data key of one RocksDB instance (an engagement, or "system"): the environment
/// variable SIEM_KEY_<NAME> (NAME upper-cased, '-' and '.' as '_'; 64 hex digits) when set,
/// else `<key_dir>/<name>.key` (64 hex digits). With `create`, a missing key file is created
/// from 32 random bytes, mode 0600, in a 0700 directory. Errors: not_found (no key),
/// invalid_argument (malformed key), io_error.
auto load_key(const std::string& key_dir, std::string_view name, bool create)
    -> core::Result<DataKey>;

/// Creates `<key_dir>/<file>` holding `text`: the directory 0700, the file 0600 with O_EXCL
/// (two processes creating one key must not each think theirs is the key), fsynced.
/// Errors: io_error (also when the file exists).
auto create_key_file(const std::string& key_dir, const std::string& file, std::string_view text)
    -> core::Status;

/// An Env that encrypts everything RocksDB writes through it (RocksDB's EncryptedEnv with a
/// CTR provider on OpenSSL EVP) and refuses files written under another key with "wrong key".
/// The Env must outlive every DB opened with it. Errors: invalid_argument (cipher none or
/// not available in this OpenSSL).
auto make_encrypted_env(Cipher cipher, const DataKey& key)
    -> core::Result<std::unique_ptr<rocksdb::Env>>;

}  // namespace siem::store::detail
