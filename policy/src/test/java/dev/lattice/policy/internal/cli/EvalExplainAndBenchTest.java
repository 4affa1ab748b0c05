package dev.lattice.policy.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.PolicyCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class EvalExplainAndBenchTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void writeBundle() throws Exception {
    Files.createDirectories(dir.resolve("p"));
    Files.writeString(
        dir.resolve("p/p.rego"),
        "package p\n\nimport rego.v1\n\nallow if {\n\ttrace(\"checking the role\")\n"
            + "\tprint(\"role:\", input.role)\n\tinput.role == \"admin\"\n}\n\ndeny if not allow\n");
    Files.writeString(dir.resolve("input.json"), "{\"role\": \"admin\"}");
  }

  private int run(String... args) {
    return PolicyCli.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> json() {
    return JsonMapper.builder().build().readValue(out.toString(StandardCharsets.UTF_8), Map.class);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> evalResult(String query) {
    out.reset();
    int code = run("eval", "-b", dir.toString(), query);
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    List<Object> result = (List<Object>) json().get("result");
    return result == null ? null : (Map<String, Object>) result.get(0);
  }

  @Test
  void aLoneComparisonOrCallPrintsItsValueAsOpaEvalDoes() {
    Map<String, Object> comparison = evalResult("1 == 2");
    Map<String, Object> count = evalResult("count([1, 2])");
    Map<String, Object> output = evalResult("plus(1, 2, y)");

    assertThat(comparison.get("expressions"))
        .isEqualTo(
            List.of(
                Map.of("value", false, "text", "1 == 2", "location", Map.of("row", 1, "col", 1))));
    assertThat(comparison).doesNotContainKey("bindings");
    assertThat(((List<Map<String, Object>>) count.get("expressions")).get(0).get("value"))
        .isEqualTo(2);
    assertThat(((List<Map<String, Object>>) output.get("expressions")).get(0).get("value"))
        .isEqualTo(true);
    assertThat(output.get("bindings")).isEqualTo(Map.of("y", 3));
  }

  @Test
  void explainFullListsRulesThatFiredNotesAndPrintOutputInOrder() {
    int code =
        run(
            "eval",
            "-b",
            dir.toString(),
            "-i",
            dir.resolve("input.json").toString(),
            "--explain=full",
            "data.p.allow");

    assertThat(code).isZero();
    assertThat(json().get("explanation"))
        .isEqualTo(
            List.of(
                Map.of("op", "note", "message", "checking the role"),
                Map.of("op", "print", "message", "role: admin"),
                Map.of("op", "fire", "rule", "data.p.allow", "location", "p/p.rego:5:1")));
  }

  @Test
  void explainNotesListsOnlyTraceNotes() {
    int code =
        run(
            "eval",
            "-b",
            dir.toString(),
            "-i",
            dir.resolve("input.json").toString(),
            "--explain=notes",
            "data.p.allow");

    assertThat(code).isZero();
    assertThat(json().get("explanation"))
        .isEqualTo(List.of(Map.of("op", "note", "message", "checking the role")));
  }

  @Test
  void explainFailsListsTheExpressionsThatFailedInEvaluationOrder() throws Exception {
    Files.writeString(dir.resolve("guest.json"), "{\"role\": \"guest\"}");

    int code =
        run(
            "eval",
            "-b",
            dir.toString(),
            "-i",
            dir.resolve("guest.json").toString(),
            "--explain=fails",
            "data.p.allow");

    assertThat(code).isZero();
    assertThat(json().get("result")).isNull();
    assertThat(json().get("explanation"))
        .isEqualTo(
            List.of(
                Map.of(
                    "op", "fail", "location", "p/p.rego:8:2", "message", "input.role == \"admin\""),
                Map.of("op", "fail", "location", "query:1:1", "message", "data.p.allow")));
  }

  @Test
  void explainFailsShowsTheNegationThatFailedWhenADenyRuleDoesNotHold() {
    int code =
        run(
            "eval",
            "-b",
            dir.toString(),
            "-i",
            dir.resolve("input.json").toString(),
            "--explain=fails",
            "data.p.deny");

    assertThat(code).isZero();
    assertThat(json().get("explanation"))
        .isEqualTo(
            List.of(
                Map.of("op", "fail", "location", "p/p.rego:11:9", "message", "not allow"),
                Map.of("op", "fail", "location", "query:1:1", "message", "data.p.deny")));
  }

  @Test
  void anUnknownExplainModeIsRefusedNamingTheAcceptedOnes() {
    int code = run("eval", "-b", dir.toString(), "--explain=all", "data.p.allow");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--explain must be full, notes or fails, not all");
  }

  @Test
  @SuppressWarnings("unchecked")
  void benchTimesEveryQueryOnItsOwn() {
    int code =
        run(
            "bench",
            "-b",
            dir.toString(),
            "-i",
            dir.resolve("input.json").toString(),
            "--count",
            "20",
            "--warmup",
            "2",
            "--format",
            "json",
            "data.p.allow",
            "data.p.deny");

    assertThat(code).isZero();
    List<Map<String, Object>> rows = (List<Map<String, Object>>) json().get("benchmarks");
    assertThat(rows).extracting(r -> r.get("query")).containsExactly("data.p.allow", "data.p.deny");
    assertThat(rows).extracting(r -> r.get("defined")).containsExactly(true, false);
    for (Map<String, Object> r : rows) {
      assertThat(r.get("n")).isEqualTo(20);
      long min = ((Number) r.get("min_ns")).longValue();
      long p50 = ((Number) r.get("p50_ns")).longValue();
      long p90 = ((Number) r.get("p90_ns")).longValue();
      long p99 = ((Number) r.get("p99_ns")).longValue();
      long max = ((Number) r.get("max_ns")).longValue();
      assertThat(min).isPositive().isLessThanOrEqualTo(p50);
      assertThat(p50).isLessThanOrEqualTo(p90);
      assertThat(p90).isLessThanOrEqualTo(p99);
      assertThat(p99).isLessThanOrEqualTo(max);
      assertThat(((Number) r.get("ops_per_s")).longValue()).isPositive();
    }
  }

  @Test
  void benchPrintsOneTableRowPerQuery() {
    int code = run("bench", "-b", dir.toString(), "-n", "3", "data.p.allow", "data.p.deny");

    assertThat(code).isZero();
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).startsWith("query").contains("p99 ns").contains("ops/s");
    assertThat(lines.get(1)).startsWith("data.p.allow").contains(" 3 ");
    assertThat(lines.get(2)).startsWith("data.p.deny");
  }

  @Test
  void percentilesAreNearestRank() {
    long[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assertThat(BenchCommand.percentile(sorted, 50)).isEqualTo(5);
    assertThat(BenchCommand.percentile(sorted, 90)).isEqualTo(9);
    assertThat(BenchCommand.percentile(sorted, 99)).isEqualTo(10);
  }

  @Test
  void benchUsageErrorsExitTwo() {
    assertThat(run("bench", "data.p.allow")).isEqualTo(2);
    assertThat(run("bench", "-b", dir.toString(), "--count", "0", "data.p.allow")).isEqualTo(2);
    assertThat(run("bench", "-b", dir.toString(), "--count", "x", "data.p.allow")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Usage: policy bench");
  }
}
