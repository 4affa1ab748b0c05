package dev.lattice.cli.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.cli.ChaosCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The chaos test at a small size: three in-JVM brokers, two Lattice instances as OS processes on
 * the jar that {@code package} built, steady API traffic, then kill -9 of an instance, a broker
 * stopped and restarted, and the instance started again; every topic is checked afterwards.
 */
class ChaosIT {

  @Test
  void nothingIsLostDuplicatedOrLeakedWhileAnInstanceIsKilledAndABrokerRestarts() throws Exception {
    Path jar = Path.of("target", "lattice.jar").toAbsolutePath();
    assertThat(jar).as("the application jar (built by `package`)").exists();
    Path data = Path.of("target", "it-data", "chaos-" + UUID.randomUUID()).toAbsolutePath();
    Files.createDirectories(data);
    ChaosSettings settings =
        new ChaosSettings(
            Duration.ofSeconds(40),
            Duration.ofSeconds(40),
            4,
            8,
            3,
            jar,
            ProcessHandle.current().info().command().orElse("java"),
            320,
            data,
            ChaosCommand.freePort(),
            // Only waits as long as decisions are missing: generous for a busy CI machine.
            Duration.ofSeconds(180),
            42);

    ChaosReport report = new ChaosRun(settings, System.out).run();

    System.out.print(report.describe());
    assertThat(report.violations()).isEmpty();
    assertThat(report.faults())
        .extracting(ChaosReport.Fault::what)
        .containsExactly(
            "kill -9 instance 2", "stop broker 0", "restart broker 0", "restart instance 2");
    assertThat(report.faults()).allSatisfy(f -> assertThat(f.recovery()).isNotNull());
    assertThat(report.accepted()).isPositive();
    assertThat(report.decisions()).isGreaterThan(report.accepted());
    assertThat(report.badInputs()).isEqualTo(3);
  }
}
