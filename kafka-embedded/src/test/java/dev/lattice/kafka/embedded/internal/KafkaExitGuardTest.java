package dev.lattice.kafka.embedded.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.utils.Exit;
import org.junit.jupiter.api.Test;

class KafkaExitGuardTest {

  @Test
  void aBrokerAskingToHaltTheJvmOnlyFailsItsOwnThread() {
    KafkaExitGuard.install();

    assertThatThrownBy(() -> Exit.halt(1, "fatal fault in the metadata loader"))
        .isInstanceOf(KafkaExitGuard.EmbeddedKafkaFaultException.class)
        .hasMessageContaining("halt with status 1");
  }

  @Test
  void aBrokerAskingToExitTheJvmOnlyFailsItsOwnThread() {
    KafkaExitGuard.install();

    assertThatThrownBy(() -> Exit.exit(1, "shutting down"))
        .isInstanceOf(KafkaExitGuard.EmbeddedKafkaFaultException.class)
        .hasMessageContaining("exit with status 1");
  }
}
