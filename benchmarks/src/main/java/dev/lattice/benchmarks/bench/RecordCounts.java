package dev.lattice.benchmarks.bench;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Records a topology has sent, per topic (outputs, changelogs, repartition topics), from its
 * producers' {@code record-send-total} metrics. Internal topics are named without the application
 * id ({@code lattice-decisions-changelog}). Transaction markers are not records and not counted.
 *
 * @param byTopic records sent per topic
 */
record RecordCounts(Map<String, Long> byTopic) {
  static final RecordCounts NONE = new RecordCounts(Map.of());

  RecordCounts {
    byTopic = Collections.unmodifiableMap(new TreeMap<>(byTopic));
  }

  /** What {@code streams} (application {@code applicationId}) has sent so far. */
  static RecordCounts sentBy(KafkaStreams streams, String applicationId) {
    Map<String, Long> counts = new TreeMap<>();
    for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
      MetricName name = e.getKey();
      String topic = name.tags().get("topic");
      if (topic != null
          && name.group().equals("producer-topic-metrics")
          && name.name().equals("record-send-total")
          && e.getValue().metricValue() instanceof Number n) {
        String shown =
            topic.startsWith(applicationId + "-")
                ? topic.substring(applicationId.length() + 1)
                : topic;
        counts.merge(shown, Math.round(n.doubleValue()), Long::sum);
      }
    }
    return new RecordCounts(counts);
  }

  long total() {
    return byTopic.values().stream().mapToLong(Long::longValue).sum();
  }

  double perEvent(long events) {
    return events <= 0 ? 0 : (double) total() / events;
  }
}
