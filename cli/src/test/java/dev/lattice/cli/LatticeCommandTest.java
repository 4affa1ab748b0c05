package dev.lattice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LatticeCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return LatticeCommand.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpListsEveryCommandAndSucceeds() {
    assertThat(run("--help")).isZero();
    assertThat(out()).contains("Usage: lattice <command>", "serve", "policy", "test");
  }

  @Test
  void aCommandsHelpShowsItsOptions() {
    assertThat(run("serve", "--help")).isZero();
    assertThat(out())
        .contains("Usage: lattice serve", "--port", "--data-dir", "KAFKA_BOOTSTRAP_SERVERS");
  }

  @Test
  void anUnknownCommandPrintsUsageAndExitsWithTwo() {
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(err()).contains("unknown command 'frobnicate'", "Usage: lattice <command>");
  }

  @Test
  void noCommandPrintsUsageAndExitsWithTwo() {
    assertThat(run()).isEqualTo(2);
    assertThat(err()).contains("Usage: lattice <command>");
  }

  @Test
  void anUnknownOptionPrintsTheCommandsUsageAndExitsWithTwo() {
    assertThat(run("serve", "--prot", "9090")).isEqualTo(2);
    assertThat(err()).contains("unknown option '--prot'", "Usage: lattice serve");
  }

  @Test
  void aMalformedPortIsAUsageError() {
    assertThat(run("serve", "--port", "eighty")).isEqualTo(2);
    assertThat(err()).contains("--port must be a port number");
  }

  @Test
  void policyHandsItsArgumentsToThePolicyCommandLine() {
    assertThat(run("policy", "--help")).isZero();
    assertThat(out()).contains("conformance");
  }

  @Test
  void anUnknownPolicyCommandIsAUsageError() {
    assertThat(run("policy", "frobnicate")).isEqualTo(2);
    assertThat(err()).contains("unknown policy command 'frobnicate'");
  }
}
