package dev.lattice.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.internal.conformance.ConformanceRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Upstream OPA v1 conformance files beyond the shared corpus ({@code
 * src/test/resources/opa-conformance-extra}, Apache-2.0, see its README): exactly the cases of its
 * {@code known-failures.txt} fail, so a regression and a fix both show up here.
 */
class OpaConformanceExtraTest {

  @Test
  void exactlyTheDocumentedKnownFailuresFail() throws Exception {
    Path dir = Path.of(OpaConformanceExtraTest.class.getResource("/opa-conformance-extra").toURI());
    Map<String, String> known = new TreeMap<>();
    for (String line :
        Files.readAllLines(dir.resolve("known-failures.txt"), StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("#")) continue;
      String[] parts = line.split(" \\| ", 3);
      assertThat(parts).as("<file> | <note> | <reason>: %s", line).hasSize(3);
      assertThat(parts[2].strip()).as("reason of %s", line).isNotEmpty();
      known.put(parts[0].strip() + " | " + parts[1].strip(), parts[2].strip());
    }

    ConformanceRunner.Summary summary = new ConformanceRunner(Map.of()).run(List.of(dir));

    TreeSet<String> failed = new TreeSet<>();
    StringBuilder details = new StringBuilder();
    for (ConformanceRunner.CaseResult r : summary.cases()) {
      if (r.status() != ConformanceRunner.Status.FAILED) continue;
      String key = r.category() + "/" + r.file() + " | " + r.note();
      failed.add(key);
      if (!known.containsKey(key)) details.append(key).append(": ").append(r.detail()).append('\n');
    }
    assertThat(summary.total()).as("cases found").isEqualTo(946);
    assertThat(summary.skipped()).isZero();
    assertThat(failed)
        .as("failing cases (new failures:%n%s)", details)
        .containsExactlyElementsOf(known.keySet());
  }
}
