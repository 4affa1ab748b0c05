package dev.lattice.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.schemas.TopicCatalogue.TopicSpec;
import org.junit.jupiter.api.Test;

class TopicCatalogueTest {

  @Test
  void replicationAdaptsToTheClusterSizeUpToThree() {
    TopicSpec ledger = TopicCatalogue.CONSENT_LEDGER;

    assertThat(ledger.replicationFactor(1)).isEqualTo((short) 1);
    assertThat(ledger.replicationFactor(3)).isEqualTo((short) 3);
    assertThat(ledger.replicationFactor(7)).isEqualTo((short) 3);
    assertThat(ledger.configs(1)).containsEntry("min.insync.replicas", "1");
    assertThat(ledger.configs(5)).containsEntry("min.insync.replicas", "2");
  }

  @Test
  void memberKeyedTopicsAreCoPartitioned() {
    assertThat(TopicCatalogue.fixedTopics())
        .filteredOn(
            spec ->
                !java.util.Set.of(
                        TopicCatalogue.POLICY_BUNDLES,
                        TopicCatalogue.NETWORKS,
                        TopicCatalogue.API_KEYS,
                        TopicCatalogue.BRANDS,
                        TopicCatalogue.BRAND_SUBSCRIPTIONS,
                        TopicCatalogue.SECRET_FINGERPRINTS)
                    .contains(spec))
        .allSatisfy(
            spec -> assertThat(spec.partitions()).isEqualTo(TopicCatalogue.MEMBER_PARTITIONS));
  }

  @Test
  void tablesAreCompactedAndKeptForever() {
    assertThat(TopicCatalogue.CONSENT_LEDGER.configs(1))
        .containsEntry("cleanup.policy", "compact")
        .containsEntry("retention.ms", "-1");
    assertThat(TopicCatalogue.MEMBER_KEYS.configs(1)).containsEntry("cleanup.policy", "compact");
  }

  @Test
  void theGatewaysSharedRegistriesAreCompactedTablesKeptForever() {
    assertThat(
            java.util.List.of(
                TopicCatalogue.API_KEYS,
                TopicCatalogue.BRANDS,
                TopicCatalogue.BRAND_SUBSCRIPTIONS,
                TopicCatalogue.SECRET_FINGERPRINTS))
        .allSatisfy(
            spec ->
                assertThat(spec.configs(3))
                    .containsEntry("cleanup.policy", "compact")
                    .containsEntry("retention.ms", "-1"));
  }

  @Test
  void anErasedMembersKeyIsCompactedAwayWithinMinutes() {
    assertThat(TopicCatalogue.MEMBER_KEYS.configs(3))
        .containsEntry("segment.ms", "60000")
        .containsEntry("min.cleanable.dirty.ratio", "0.01")
        .containsEntry("max.compaction.lag.ms", "120000")
        .containsEntry("delete.retention.ms", "60000");
  }

  @Test
  void perNetworkAndPerBrandOutputsAreFoundByName() {
    assertThat(TopicCatalogue.find("lattice.out.network.garden-club"))
        .contains(TopicCatalogue.networkOutput("garden-club"));
    assertThat(TopicCatalogue.find("lattice.out.brand.acme"))
        .contains(TopicCatalogue.brandOutput("acme"));
    assertThat(TopicCatalogue.find("lattice.consent.ledger"))
        .contains(TopicCatalogue.CONSENT_LEDGER);
    assertThat(TopicCatalogue.find("lattice.unknown")).isEmpty();
  }

  @Test
  void anIdThatCannotBeATopicNameIsRefused() {
    assertThatThrownBy(() -> TopicCatalogue.networkOutput("garden club/../x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("networkId must be 1-100 of [a-zA-Z0-9_-]");
  }

  @Test
  void memberKeyedInputsCarryTheBrokersAppendTimeAndOthersTheProducersTime() {
    assertThat(TopicCatalogue.memberKeyedInputs())
        .extracting(TopicSpec::name)
        .containsExactlyInAnyOrder(
            "lattice.consent.commands",
            "lattice.member.keys",
            "lattice.ingest.member-data",
            "lattice.ingest.content",
            "lattice.ingest.purchases",
            "lattice.ingest.offers");
    assertThat(TopicCatalogue.memberKeyedInputs())
        .allSatisfy(
            spec ->
                assertThat(spec.configs(3))
                    .containsEntry("message.timestamp.type", "LogAppendTime"));
    assertThat(TopicCatalogue.fixedTopics())
        .filteredOn(spec -> !TopicCatalogue.memberKeyedInputs().contains(spec))
        .allSatisfy(
            spec ->
                assertThat(spec.configs(3)).containsEntry("message.timestamp.type", "CreateTime"));
  }
}
