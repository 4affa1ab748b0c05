package dev.lattice.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.schemas.TopicCatalogue.Cleanup;
import dev.lattice.schemas.TopicCatalogue.TimestampType;
import dev.lattice.schemas.TopicCatalogue.TopicSpec;
import dev.lattice.testsupport.TestKafka;
import dev.lattice.testsupport.WithKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

@WithKafka
class TopicProvisionerIT {

  private static TopicSpec spec(
      String name, int partitions, Cleanup cleanup, Optional<Duration> retention) {
    return new TopicSpec(name, partitions, cleanup, retention, "test topic");
  }

  @Test
  void provisioningTwiceCreatesTopicsOnceAndReportsThemAsExisting(TestKafka kafka) {
    List<TopicSpec> specs =
        List.of(
            spec(kafka.uniqueName("table"), 2, Cleanup.COMPACT, Optional.empty()),
            spec(kafka.uniqueName("stream"), 3, Cleanup.DELETE, Optional.of(Duration.ofDays(7))));
    try (Admin admin = kafka.admin()) {
      TopicProvisioner provisioner = new TopicProvisioner(admin, kafka.brokerCount());

      ProvisioningReport first = provisioner.provision(specs);
      ProvisioningReport second = provisioner.provision(specs);

      assertThat(first.created())
          .containsExactlyElementsOf(specs.stream().map(TopicSpec::name).toList());
      assertThat(second.created()).isEmpty();
      assertThat(second.existing()).containsExactlyElementsOf(first.created());
      assertThat(second.conflicts()).isEmpty();
    }
  }

  @Test
  void anExistingTopicWithOtherSettingsIsReportedAndLeftAlone(TestKafka kafka) {
    String name = kafka.uniqueName("ledger");
    kafka.createTopic(name, 1, 1, Map.of("cleanup.policy", "delete", "retention.ms", "3600000"));
    try (Admin admin = kafka.admin()) {
      TopicProvisioner provisioner = new TopicProvisioner(admin, kafka.brokerCount());

      ProvisioningReport report =
          provisioner.provision(List.of(spec(name, 4, Cleanup.COMPACT, Optional.empty())));

      assertThat(report.created()).isEmpty();
      assertThat(report.conflicts())
          .extracting(TopicConflict::setting, TopicConflict::expected, TopicConflict::actual)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("partitions", "4", "1"),
              org.assertj.core.groups.Tuple.tuple("cleanup.policy", "compact", "delete"),
              org.assertj.core.groups.Tuple.tuple("retention.ms", "-1", "3600000"));
    }
  }

  @Test
  void aMemberKeyedInputCreatedWithProducerTimeIsReportedAsAConflict(TestKafka kafka) {
    String name = kafka.uniqueName("commands");
    kafka.createTopic(name, 2, 1, Map.of("message.timestamp.type", "CreateTime"));
    TopicSpec wanted =
        new TopicSpec(
            name,
            2,
            Cleanup.DELETE,
            Optional.of(Duration.ofDays(7)),
            TimestampType.LOG_APPEND_TIME,
            "consent commands");
    try (Admin admin = kafka.admin()) {
      TopicProvisioner provisioner = new TopicProvisioner(admin, kafka.brokerCount());

      ProvisioningReport report = provisioner.provision(List.of(wanted));

      assertThat(report.conflicts())
          .extracting(TopicConflict::setting, TopicConflict::expected, TopicConflict::actual)
          .contains(
              org.assertj.core.groups.Tuple.tuple(
                  "message.timestamp.type", "LogAppendTime", "CreateTime"));
    }
  }

  @Test
  void aMemberKeyedInputIsCreatedWithTheBrokersAppendTime(TestKafka kafka) throws Exception {
    String name = kafka.uniqueName("member-data");
    TopicSpec wanted =
        new TopicSpec(
            name,
            2,
            Cleanup.DELETE,
            Optional.of(Duration.ofDays(7)),
            TimestampType.LOG_APPEND_TIME,
            "member data");
    try (Admin admin = kafka.admin()) {
      TopicProvisioner provisioner = new TopicProvisioner(admin, kafka.brokerCount());

      provisioner.provision(List.of(wanted));

      var resource =
          new org.apache.kafka.common.config.ConfigResource(
              org.apache.kafka.common.config.ConfigResource.Type.TOPIC, name);
      // The broker that answers may learn of the new topic a moment after the one that was asked.
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                var config =
                    admin
                        .describeConfigs(List.of(resource))
                        .all()
                        .get(30, java.util.concurrent.TimeUnit.SECONDS)
                        .get(resource);
                assertThat(config.get("message.timestamp.type").value()).isEqualTo("LogAppendTime");
              });
    }
  }
}
