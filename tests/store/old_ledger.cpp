// old_ledger DATA_DIR DAYS_AGO BLOCKS RECORDS_PER_BLOCK: appends BLOCKS ledger blocks of
// records received DAYS_AGO days ago to the engagement "default" of the store in DATA_DIR
// (created with the engine's defaults), for tests of retention in the running engine.
#include "siem/core/time.hpp"
#include "siem/store/store.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

auto main(int argc, char** argv) -> int {
  if (argc != 5) {
    std::fprintf(stderr, "usage: old_ledger DATA_DIR DAYS_AGO BLOCKS RECORDS_PER_BLOCK\n");
    return 2;
  }
  siem::store::StoreOptions o;
  o.data_dir = argv[1];
  const std::int64_t days = std::atoll(argv[2]);
  const int blocks = std::atoi(argv[3]);
  const int per_block = std::atoi(argv[4]);
  auto store = siem::store::Store::open(o);
  if (!store) {
    std::fprintf(stderr, "old_ledger: %s\n", store.error().to_string().c_str());
    return 1;
  }
  std::int64_t t = siem::core::SystemClock{}.now_ms() - days * 86'400'000;
  int n = 0;
  for (int b = 0; b < blocks; ++b) {
    siem::core::RawBatch batch;
    batch.source = "archive";
    batch.engagement = "default";
    for (int i = 0; i < per_block; ++i) {
      batch.records.push_back({"<13>Nov  1 00:00:00 old app: archived line " + std::to_string(++n),
                               "archive", "", "", t++});
    }
    if (auto r = (*store)->append(batch); !r) {
      std::fprintf(stderr, "old_ledger: %s\n", r.error().to_string().c_str());
      return 1;
    }
  }
  if (auto st = (*store)->sync(); !st) {
    std::fprintf(stderr, "old_ledger: %s\n", st.to_string().c_str());
    return 1;
  }
  return 0;
}
