package dev.lattice.streams.internal.enforce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.streams.TopicNames;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class AppendOrderTimestampsTest {
  private final TopicNames topics = TopicNames.defaults();
  private final AppendOrderTimestamps timestamps = new AppendOrderTimestamps(topics);

  private static ConsumerRecord<Object, Object> appended(String topic, long time) {
    return record(topic, time, TimestampType.LOG_APPEND_TIME);
  }

  private static ConsumerRecord<Object, Object> record(
      String topic, long time, TimestampType type) {
    return new ConsumerRecord<>(
        topic, 0, 0, time, type, 0, 0, null, null, new RecordHeaders(), Optional.empty());
  }

  @Test
  void aCommandAppendedInTheSameMillisecondAsAnEventComesFirst() {
    long command = timestamps.extract(appended(topics.consentCommands(), 1_000), -1);
    long memberKey = timestamps.extract(appended(topics.memberKeys(), 1_000), -1);
    long event = timestamps.extract(appended(topics.memberData(), 1_000), -1);

    assertThat(command).isLessThan(event);
    assertThat(memberKey).isLessThan(event);
  }

  @Test
  void anEventAppendedTwoMillisecondsBeforeACommandStaysBeforeIt() {
    long event = timestamps.extract(appended(topics.content(), 998), -1);
    long command = timestamps.extract(appended(topics.consentCommands(), 1_000), -1);

    assertThat(event).isLessThan(command);
  }

  @Test
  void eventsKeepTheBrokersAppendTime() {
    assertThat(timestamps.extract(appended(topics.purchases(), 1_234), 99)).isEqualTo(1_234);
  }

  @Test
  void aRecordWithoutATimeKeepsItsPartitionsTimeInsteadOfBeingDropped() {
    assertThat(
            timestamps.extract(
                record(topics.memberData(), -1, TimestampType.NO_TIMESTAMP_TYPE), 500))
        .isEqualTo(500);
    assertThat(
            timestamps.extract(
                record(topics.memberData(), -1, TimestampType.NO_TIMESTAMP_TYPE), -1))
        .isZero();
  }

  @Test
  void theRecordsTimeIsUsedWhateverTypeItClaims() {
    assertThat(timestamps.extract(record(topics.memberData(), 42, TimestampType.CREATE_TIME), -1))
        .isEqualTo(42);
  }
}
