package dev.lattice.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReasonCodesTest {
  private static final Pattern REASON = Pattern.compile("reason\\(\\s*\"([a-z_]+\\.[a-z_.]+)\"");

  @Test
  void everyCodeTheDefaultBundleEmitsIsDeclaredInReasonCodes() throws IOException {
    Set<String> emitted = new TreeSet<>();
    for (String file : bundleRegoFiles()) {
      Matcher m = REASON.matcher(resource("lattice/bundle/" + file));
      while (m.find()) {
        emitted.add(m.group(1));
      }
    }

    assertThat(emitted).isNotEmpty();
    assertThat(ReasonCodes.all()).containsAll(emitted);
  }

  @Test
  void theDecisionRecordsFailClosedCodesAreTheDeclaredOnes() {
    assertThat(Decision.POLICY_ERROR).isEqualTo(ReasonCodes.POLICY_ERROR);
    assertThat(Decision.deny(ReasonCodes.DESTINATION_UNKNOWN, "x", "r", 0).reasonCodes())
        .containsExactly("destination.unknown");
  }

  private static Set<String> bundleRegoFiles() throws IOException {
    Set<String> files = new TreeSet<>();
    for (String line : resource("lattice/bundle.index").split("\n")) {
      String f = line.strip();
      if (f.endsWith(".rego") && !f.endsWith("_test.rego")) {
        files.add(f);
      }
    }
    return files;
  }

  private static String resource(String path) throws IOException {
    try (InputStream in = ReasonCodesTest.class.getClassLoader().getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
