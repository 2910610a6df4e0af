// A librdkafka mock cluster (a real Kafka protocol server on loopback) for the Kafka tests.
//
//   kafka_mock_cluster [--brokers N] [--topic NAME:PARTITIONS]...
//
// Prints the bootstrap address ("127.0.0.1:PORT,...") as its first line of standard output,
// then reads commands from standard input, one a line, answering each with "ok" or "error: ...":
//
//   down ID   take broker ID (1..N) down (its connections close, it accepts none)
//   up ID     bring broker ID back
//   quit      exit
//
// At the end of standard input it keeps serving until killed (SIGTERM/SIGINT exit cleanly).
// Broker IDs are 1..N; partition leaders are spread over them and, in the mock, do not move
// when their broker goes down (those partitions pause until it is up again).

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace {

volatile std::sig_atomic_t g_stop = 0;

void on_signal(int /*sig*/) {
  g_stop = 1;
}

struct TopicSpec {
  std::string name;
  int partitions = 1;
};

auto usage() -> int {
  std::fprintf(stderr, "usage: kafka_mock_cluster [--brokers N] [--topic NAME:PARTITIONS]...\n");
  return 2;
}

}  // namespace

auto main(int argc, char** argv) -> int {
  int brokers = 3;
  std::vector<TopicSpec> topics;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--brokers" && i + 1 < argc) {
      brokers = std::atoi(argv[++i]);
    } else if (arg == "--topic" && i + 1 < argc) {
      const std::string spec = argv[++i];
      const auto colon = spec.rfind(':');
      if (colon == std::string::npos || colon == 0) {
        return usage();
      }
      topics.push_back({spec.substr(0, colon), std::atoi(spec.c_str() + colon + 1)});
    } else {
      return usage();
    }
  }
  if (brokers < 1 || brokers > 16) {
    return usage();
  }

  // The mock cluster lives inside a client instance (its own threads serve the brokers).
  char err[256];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (rk == nullptr) {
    std::fprintf(stderr, "kafka_mock_cluster: %s\n", err);
    return 1;
  }
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(rk, brokers);
  if (cluster == nullptr) {
    std::fprintf(stderr, "kafka_mock_cluster: cannot create the mock cluster\n");
    rd_kafka_destroy(rk);
    return 1;
  }
  for (const auto& t : topics) {
    const auto e = rd_kafka_mock_topic_create(cluster, t.name.c_str(), t.partitions,
                                              brokers < 3 ? brokers : 3);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "kafka_mock_cluster: topic %s: %s\n", t.name.c_str(),
                   rd_kafka_err2str(e));
      rd_kafka_mock_cluster_destroy(cluster);
      rd_kafka_destroy(rk);
      return 1;
    }
  }
  std::printf("%s\n", rd_kafka_mock_cluster_bootstraps(cluster));
  std::fflush(stdout);

  // Without SA_RESTART, a signal interrupts the blocking read below.
  struct sigaction sa {};

  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  std::string line;
  while (g_stop == 0 && std::getline(std::cin, line)) {
    const auto space = line.find(' ');
    const std::string cmd = line.substr(0, space);
    const int id = space == std::string::npos ? 0 : std::atoi(line.c_str() + space + 1);
    rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (cmd == "quit") {
      break;
    }
    if ((cmd == "down" || cmd == "up") && id >= 1 && id <= brokers) {
      e = cmd == "down" ? rd_kafka_mock_broker_set_down(cluster, id)
                        : rd_kafka_mock_broker_set_up(cluster, id);
      if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::printf("ok\n");
      } else {
        std::printf("error: %s\n", rd_kafka_err2str(e));
      }
    } else if (!line.empty()) {
      std::printf("error: unknown command '%s' (down ID, up ID, quit)\n", line.c_str());
    }
    std::fflush(stdout);
  }
  if (std::cin.eof()) {
    // Signals stay blocked except inside sigsuspend, so none is lost between the check and
    // the wait.
    sigset_t block;
    sigset_t old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &old);
    while (g_stop == 0) {
      sigsuspend(&old);
    }
  }
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(rk);
  return 0;
}
