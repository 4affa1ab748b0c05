package dev.lattice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.schemas.TopicCatalogue;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TopicsCommandTest {
  private static final Path INFRA = Path.of("..", "infra", "kafka");

  @Test
  void theCheckedInTopicDefinitionsMatchTheCatalogue() throws Exception {
    assertThat(Files.readString(INFRA.resolve("topics.yaml")))
        .as(
            "infra/kafka/topics.yaml is stale: regenerate it with ./lattice topics --brokers 3 > infra/kafka/topics.yaml")
        .isEqualTo(TopicsCommand.yaml(3));
  }

  @Test
  void theCheckedInTopicScriptMatchesTheCatalogue() throws Exception {
    assertThat(Files.readString(INFRA.resolve("create-topics.sh")))
        .as(
            "infra/kafka/create-topics.sh is stale: regenerate it with "
                + "./lattice topics --brokers 3 --format script > infra/kafka/create-topics.sh")
        .isEqualTo(TopicsCommand.script(3));
  }

  @Test
  void everyCatalogueTopicAppearsWithItsReplicationForTheClusterSize() {
    String oneBroker = TopicsCommand.yaml(1);

    assertThat(TopicCatalogue.fixedTopics())
        .allSatisfy(spec -> assertThat(oneBroker).contains("- name: " + spec.name()));
    assertThat(oneBroker).contains("replicationFactor: 1").doesNotContain("replicationFactor: 3");
  }
}
