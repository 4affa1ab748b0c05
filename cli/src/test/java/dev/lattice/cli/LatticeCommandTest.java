package dev.lattice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LatticeCommandTest {
  private static final List<String> COMMANDS =
      List.of(
          "serve", "demo", "bench", "topics", "policy", "cluster", "chaos", "test", "completion");

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
    assertThat(out()).contains("Usage: lattice <command>");
    assertThat(COMMANDS).allSatisfy(command -> assertThat(out()).contains("  " + command + " "));
  }

  @ParameterizedTest
  @ValueSource(strings = {"serve", "demo", "bench", "topics", "policy", "cluster", "chaos", "test"})
  void everyCommandHasAGeneratedHelpNamingItself(String command) {
    assertThat(run(command, "--help")).isZero();
    assertThat(out()).contains("Usage: lattice " + command).contains("-h, --help");
    assertThat(err()).isEmpty();
  }

  @Test
  void aCommandsHelpShowsItsOptionsAndEnvironment() {
    assertThat(run("serve", "--help")).isZero();
    assertThat(out())
        .contains("Usage: lattice serve", "--port=<port>", "--data-dir=<dir>")
        .contains("KAFKA_BOOTSTRAP_SERVERS", "--<property>=<value>");
  }

  @Test
  void helpNamesACommandToo() {
    assertThat(run("help", "topics")).isZero();
    assertThat(out()).contains("Usage: lattice topics");
  }

  @Test
  void everyPolicyCommandHasAGeneratedHelp() {
    for (String command :
        List.of("check", "test", "eval", "fmt", "inspect", "bench", "build", "conformance")) {
      out.reset();
      assertThat(run("policy", command, "--help")).as(command).isZero();
      assertThat(out()).contains("Usage: lattice policy " + command);
    }
  }

  @Test
  void anUnknownCommandPrintsUsageAndExitsWithTwo() {
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(err())
        .startsWith("lattice: unknown command 'frobnicate'")
        .contains("Usage: lattice");
  }

  @Test
  void noCommandPrintsUsageAndExitsWithTwo() {
    assertThat(run()).isEqualTo(2);
    assertThat(err()).contains("Usage: lattice <command>");
  }

  @Test
  void anUnknownOptionIsNamedBeforeTheCommandsUsageAndExitsWithTwo() {
    assertThat(run("serve", "--prot", "9090")).isEqualTo(2);
    assertThat(err())
        .startsWith("lattice serve: unknown option '--prot'" + System.lineSeparator())
        .contains("Usage: lattice serve");
    assertThat(out()).isEmpty();
  }

  @Test
  void aMalformedValueIsAUsageErrorNamingTheOption() {
    assertThat(run("topics", "--brokers", "three")).isEqualTo(2);
    assertThat(err())
        .startsWith("lattice topics: Invalid value for option '--brokers': 'three' is not an int");
  }

  @Test
  void aValueOutOfRangeIsAUsageErrorNamingTheOption() {
    assertThat(run("serve", "--port", "70000")).isEqualTo(2);
    assertThat(err())
        .startsWith("lattice serve: --port must be a port number between 1 and 65535, was '70000'");
  }

  @Test
  void aMissingValueIsAUsageErrorNamingTheOption() {
    assertThat(run("chaos", "--minutes")).isEqualTo(2);
    assertThat(err())
        .startsWith("lattice chaos: Missing required parameter for option '--minutes'");
  }

  @Test
  void optionsTakeTheirValueAfterASpaceOrAnEqualsSign() {
    assertThat(run("topics", "--brokers", "1", "--format=script")).isZero();
    String spaced = out();
    out.reset();

    assertThat(run("topics", "--brokers=1", "--format", "script")).isZero();

    assertThat(out())
        .isEqualTo(spaced)
        .contains("kafka-topics.sh")
        .contains("--replication-factor 1");
  }

  @Test
  void anEnumeratedValueOutsideItsChoicesNamesTheChoices() {
    assertThat(run("topics", "--format", "xml")).isEqualTo(2);
    assertThat(err()).contains("--format", "yaml, script", "'xml'");
  }

  @Test
  void policyHandsItsArgumentsToThePolicyCommands() {
    assertThat(run("policy", "--help")).isZero();
    assertThat(out())
        .contains("Usage: lattice policy")
        .contains("check", "test", "eval", "fmt", "inspect", "bench", "build", "conformance");
  }

  @Test
  void anUnknownPolicyCommandIsAUsageError() {
    assertThat(run("policy", "frobnicate")).isEqualTo(2);
    assertThat(err()).startsWith("lattice policy: unknown command 'frobnicate'");
  }

  @Test
  void aPolicyUsageErrorNamesTheOptionAndExitsWithTwo() {
    assertThat(run("policy", "test", "--format", "yaml", "bundle")).isEqualTo(2);
    assertThat(err())
        .startsWith("lattice policy test: Invalid value for option '--format'")
        .contains("Usage: lattice policy test");
  }

  @Test
  void aRequiredPolicyOptionIsNamedWhenMissing() {
    assertThat(run("policy", "eval", "data.p.allow")).isEqualTo(2);
    assertThat(err()).startsWith("lattice policy eval: Missing required option: '--bundle");
  }

  @Test
  void completionPrintsABashScriptForEveryCommandAndOption() {
    assertThat(run("completion")).isZero();
    assertThat(out())
        .startsWith("#!/usr/bin/env bash")
        .contains("complete -F _complete_lattice")
        .contains("--kafka-port", "--consent-ratio", "--first-port", "--minutes")
        .contains("conformance", "--coverage", "--explain");
  }

  @Test
  void versionIsPrinted() {
    assertThat(run("--version")).isZero();
    assertThat(out()).startsWith("lattice ");
  }
}
