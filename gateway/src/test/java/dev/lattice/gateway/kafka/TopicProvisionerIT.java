package dev.lattice.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.schemas.TopicCatalogue.Cleanup;
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
}
