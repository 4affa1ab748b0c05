package dev.lattice.gateway.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Walks every topic on the broker (Lattice's topics, its Kafka Streams changelogs and repartition
 * topics; not Kafka's own {@code __} topics) and reports which hold a member's values. Compacted
 * topics are read as the log cleaner leaves them: the latest record per key, tombstones dropped
 * (their {@code delete.retention.ms} is a minute on the member-keyed topics, docs/privacy.md).
 */
final class ErasureWalk {
  private ErasureWalk() {}

  /** One "topic holds the member's <needle>" line per topic and needle found. */
  static List<String> hits(Map<String, Object> clientProperties, Map<String, byte[]> needles)
      throws Exception {
    Set<String> topics;
    Map<String, Boolean> compacted = new HashMap<>();
    try (Admin admin = Admin.create(clientProperties)) {
      topics =
          admin.listTopics().names().get().stream()
              .filter(t -> !t.startsWith("__"))
              .collect(Collectors.toSet());
      Map<ConfigResource, Config> configs =
          admin
              .describeConfigs(
                  topics.stream()
                      .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                      .toList())
              .all()
              .get();
      configs.forEach(
          (r, c) ->
              compacted.put(
                  r.name(),
                  c.get("cleanup.policy") != null
                      && c.get("cleanup.policy").value().contains("compact")));
    }
    Map<String, List<ConsumerRecord<byte[], byte[]>>> byTopic = readAll(clientProperties, topics);
    List<String> hits = new ArrayList<>();
    for (String topic : topics) {
      List<ConsumerRecord<byte[], byte[]>> records = byTopic.getOrDefault(topic, List.of());
      if (compacted.getOrDefault(topic, false)) {
        Map<String, ConsumerRecord<byte[], byte[]>> latest = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
          latest.put(r.partition() + "/" + Arrays.toString(r.key()), r);
        }
        latest.values().removeIf(r -> r.value() == null);
        records = new ArrayList<>(latest.values());
      }
      for (Map.Entry<String, byte[]> needle : needles.entrySet()) {
        if (records.stream()
            .anyMatch(
                r ->
                    contains(r.key(), needle.getValue())
                        || contains(r.value(), needle.getValue()))) {
          hits.add(topic + " holds the member's " + needle.getKey());
        }
      }
    }
    return hits;
  }

  /**
   * The residue docs/privacy.md lists: ingest topics and consent commands written by the networks
   * (until retention; personal parts sealed, so only the id and a purchase's sku), repartition
   * topics (purged by Kafka Streams once committed), the erasure receipt (consent ledger and its
   * store's changelog, the key store's erased marker, the memberships' erasure marker) and the
   * member's own network's output (it knows its member).
   */
  static boolean isDocumentedResidue(String hit) {
    String topic = hit.substring(0, hit.indexOf(" holds the member's "));
    String what =
        hit.substring(hit.indexOf(" holds the member's ") + " holds the member's ".length());
    if (topic.startsWith("lattice.ingest.")) {
      return what.equals("id") || what.equals("purchased sku");
    }
    if (!what.equals("id")) {
      return false;
    }
    return topic.equals("lattice.consent.commands")
        || topic.endsWith("-repartition")
        || topic.equals("lattice.consent.ledger")
        || topic.endsWith("-lattice-consent-changelog")
        || topic.endsWith("-lattice-member-keys-changelog")
        || topic.equals("lattice.memberships")
        || topic.equals("lattice.out.network.alpine");
  }

  private static Map<String, List<ConsumerRecord<byte[], byte[]>>> readAll(
      Map<String, Object> clientProperties, Set<String> topics) {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    // Everything written, committed or not: an aborted transaction's records are on disk too.
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    Map<String, List<ConsumerRecord<byte[], byte[]>>> out = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        consumer
            .partitionsFor(topic, Duration.ofSeconds(10))
            .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read every topic to its end in 60 s");
        }
        consumer
            .poll(Duration.ofMillis(200))
            .forEach(r -> out.computeIfAbsent(r.topic(), t -> new ArrayList<>()).add(r));
      }
    }
    return out;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    if (haystack == null) {
      return false;
    }
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
