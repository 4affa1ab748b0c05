package dev.lattice.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.internal.conformance.ConformanceRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Lattice's own cases in OPA's YAML format ({@code src/test/resources/opa-cases}), one folder per
 * built-in family, run by the same runner as OPA's conformance corpus: every case must pass.
 */
class OpaBuiltinCasesTest {

  @Test
  void everyBuiltinCasePasses() throws Exception {
    Path dir = Path.of(OpaBuiltinCasesTest.class.getResource("/opa-cases").toURI());
    ConformanceRunner.Summary summary = new ConformanceRunner(Map.of()).run(List.of(dir));
    String failures =
        summary.cases().stream()
            .filter(c -> c.status() != ConformanceRunner.Status.PASSED)
            .map(c -> c.category() + "/" + c.file() + " [" + c.note() + "]: " + c.detail())
            .collect(Collectors.joining("\n"));
    assertThat(failures).as("failing cases").isEmpty();
    assertThat(summary.passed()).isGreaterThan(50);
  }
}
