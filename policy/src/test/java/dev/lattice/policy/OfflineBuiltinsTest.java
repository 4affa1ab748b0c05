package dev.lattice.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code http.send} and {@code net.lookup_ip_addr} never reach the network. */
class OfflineBuiltinsTest {
  private static final EvalOptions STRICT = EvalOptions.defaults().withStrictBuiltinErrors(true);

  private static PreparedQuery query(String src, String q) {
    return Rego.compile(List.of(new RegoModule("p.rego", src)), null).prepare(q);
  }

  @Test
  void httpSendIsAnErrorUnlessMockedWithWith() {
    String src =
        "package t\n"
            + "get := http.send({\"method\": \"get\", \"url\": \"https://example.com\"}).body\n"
            + "mocked := x if x := get with http.send as {\"body\": \"ok\"}\n"
            + "bad := http.send({\"method\": \"get\"})\n"
            + "unknown := http.send({\"method\": \"get\", \"url\": \"x\", \"bogus\": 1})\n";
    assertThat(query(src, "data.t.mocked").evaluate(null).bindings())
        .singleElement()
        .satisfies(b -> assertThat(b.values()).containsExactly("ok"));
    assertThatThrownBy(() -> query(src, "data.t.get").evaluate(null, STRICT))
        .isInstanceOfSatisfying(
            RegoException.class,
            e -> assertThat(e.getMessage()).contains("network access is disabled"));
    assertThatThrownBy(() -> query(src, "data.t.bad").evaluate(null, STRICT))
        .isInstanceOfSatisfying(
            RegoException.class,
            e -> {
              assertThat(e.code()).isEqualTo("eval_type_error");
              assertThat(e.getMessage())
                  .contains(
                      "http.send: operand 1 missing required request parameters(s): {\"url\"}");
            });
    assertThatThrownBy(() -> query(src, "data.t.unknown").evaluate(null, STRICT))
        .isInstanceOfSatisfying(
            RegoException.class,
            e -> {
              assertThat(e.code()).isEqualTo("eval_type_error");
              assertThat(e.getMessage())
                  .contains("http.send: operand 1 invalid request parameters(s): {\"bogus\"}");
            });
  }

  @Test
  void lookupIpAddrAnswersLiteralsAndLocalhostAndRefusesOtherNames() {
    String src = "package t\nx := net.lookup_ip_addr(input.name)\n";
    PreparedQuery q = query(src, "x = data.t.x");
    assertThat(q.evaluate(Map.of("name", "10.0.0.1")).bindings().get(0).get("x"))
        .isEqualTo(List.of("10.0.0.1"));
    assertThat(q.evaluate(Map.of("name", "::")).bindings().get(0).get("x"))
        .isEqualTo(List.of("::"));
    assertThat(q.evaluate(Map.of("name", "localhost")).bindings().get(0).get("x"))
        .isEqualTo(List.of("127.0.0.1", "::1"));
    assertThatThrownBy(() -> q.evaluate(Map.of("name", "example.com"), STRICT))
        .isInstanceOfSatisfying(
            RegoException.class, e -> assertThat(e.getMessage()).contains("no DNS lookups"));
  }
}
