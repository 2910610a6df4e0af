#include "siem/ingest/kafka_publisher.hpp"

#include "siem/core/thread_name.hpp"

#include <librdkafka/rdkafka.h>

#include <cstdio>
#include <thread>

namespace siem::ingest {

struct KafkaPublisher::Impl {
  rd_kafka_t* rk = nullptr;
  rd_kafka_topic_t* rkt = nullptr;
  std::jthread poller;  // serves delivery reports
};

KafkaPublisher::KafkaPublisher() : impl_(std::make_unique<Impl>()) {}

void KafkaPublisher::delivery_cb(void* /*rk*/, const void* message, void* opaque) {
  auto* self = static_cast<KafkaPublisher*>(opaque);
  const auto* m = static_cast<const rd_kafka_message_t*>(message);
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++self->delivered_;
  } else {
    ++self->failed_;
    std::fprintf(stderr, "kafka publisher (%s): a record was not delivered to %s: %s\n",
                 self->what_.c_str(), self->topic_.c_str(), rd_kafka_err2str(m->err));
  }
}

auto KafkaPublisher::create(const Options& o) -> core::Result<std::unique_ptr<KafkaPublisher>> {
  if (o.brokers.empty()) {
    return core::invalid_argument(o.where + ".brokers: required");
  }
  if (o.topic.empty()) {
    return core::invalid_argument(o.where + ".topic: required");
  }
  std::unique_ptr<KafkaPublisher> p(new KafkaPublisher());
  p->topic_ = o.topic;
  p->metric_ = o.metric;
  p->what_ = o.what;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  auto set = [&](const std::string& key, const std::string& value,
                 const std::string& config_key) -> core::Status {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      return core::invalid_argument(o.where + "." + config_key + ": " + err);
    }
    return core::Status::ok();
  };
  core::Status st = set("bootstrap.servers", o.brokers, "brokers");
  // Heads are few and must not be lost or doubled: idempotent, all in-sync replicas.
  for (const auto& [k, v] : std::initializer_list<std::pair<const char*, const char*>>{
           {"enable.idempotence", "true"},
           {"acks", "all"},
           {"message.timeout.ms", "300000"},
           {"linger.ms", "5"},
           {"client.id", o.metric.c_str()}}) {
    if (st) {
      st = set(k, v, "properties");
    }
  }
  for (const auto& [key, value] : o.properties) {
    if (st && (key == "bootstrap.servers" || key == "metadata.broker.list")) {
      st = core::invalid_argument(o.where + ".properties." + key + ": use " + o.where + ".brokers");
    }
    if (st) {
      st = set(key, value, "properties." + key);
    }
  }
  if (!st) {
    rd_kafka_conf_destroy(conf);
    return st;
  }
  rd_kafka_conf_set_opaque(conf, p.get());
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t* rk, const rd_kafka_message_t* m, void* opaque) {
    delivery_cb(rk, m, opaque);
  });
  p->impl_->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (p->impl_->rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return core::invalid_argument(o.where + ": " + err);
  }
  p->impl_->rkt = rd_kafka_topic_new(p->impl_->rk, o.topic.c_str(), nullptr);
  if (p->impl_->rkt == nullptr) {
    return core::invalid_argument(o.where + ".topic: " + rd_kafka_err2str(rd_kafka_last_error()));
  }
  p->impl_->poller = std::jthread([rk = p->impl_->rk](const std::stop_token& stop) {
    core::name_this_thread("kafka-sink");
    while (!stop.stop_requested()) {
      rd_kafka_poll(rk, 100);
    }
  });
  return p;
}

KafkaPublisher::~KafkaPublisher() {
  if (impl_->rk == nullptr) {
    return;
  }
  if (impl_->poller.joinable()) {
    impl_->poller.request_stop();
    impl_->poller.join();
  }
  if (rd_kafka_flush(impl_->rk, 10'000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::fprintf(stderr,
                 "kafka publisher (%s): %d records still queued for %s at shutdown (they remain "
                 "in the store)\n",
                 what_.c_str(), rd_kafka_outq_len(impl_->rk), topic_.c_str());
  }
  if (impl_->rkt != nullptr) {
    rd_kafka_topic_destroy(impl_->rkt);
  }
  rd_kafka_destroy(impl_->rk);
}

void KafkaPublisher::publish(std::string_view key, std::string_view value) {
  // RD_KAFKA_MSG_F_COPY: librdkafka copies the bytes before returning.
  if (rd_kafka_produce(impl_->rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                       const_cast<char*>(value.data()), value.size(), key.data(), key.size(),
                       nullptr)
      != 0) {
    const auto e = rd_kafka_last_error();
    ++failed_;
    std::fprintf(stderr, "kafka publisher (%s): cannot queue a record for %s: %s\n", what_.c_str(),
                 topic_.c_str(), rd_kafka_err2str(e));
  }
}

auto KafkaPublisher::flush(std::chrono::milliseconds timeout) -> core::Status {
  if (rd_kafka_flush(impl_->rk, static_cast<int>(timeout.count())) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return {core::StatusCode::unavailable, std::to_string(rd_kafka_outq_len(impl_->rk))
                                               + " records not yet delivered to " + topic_};
  }
  return core::Status::ok();
}

auto KafkaPublisher::metrics_text() const -> std::string {
  std::string out;
  const std::string label = "{topic=\"" + topic_ + "\"}";
  const std::string delivered_name = metric_ + "_delivered_total";
  const std::string failed_name = metric_ + "_failed_total";
  out += "# HELP " + delivered_name + " " + what_ + " delivered to Kafka.\n";
  out += "# TYPE " + delivered_name + " counter\n";
  out += delivered_name + label + " " + std::to_string(delivered()) + "\n";
  out += "# HELP " + failed_name + " " + what_
         + " Kafka did not take (after librdkafka's retries; kept in the store).\n";
  out += "# TYPE " + failed_name + " counter\n";
  out += failed_name + label + " " + std::to_string(failed()) + "\n";
  return out;
}

}  // namespace siem::ingest
