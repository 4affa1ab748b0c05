package dev.lattice.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonShapeCheckTest {

  private final JsonShapeCheck check = new JsonShapeCheck(8, 4);

  private java.util.Optional<JsonShapeCheck.Violation> check(String json) {
    return check.check(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aMemberNamedTwiceInOneObjectIsRefusedAtItsPath() {
    // A parser keeps the last value: this would read as a narrow grant and grant every category.
    var violation = check("{\"scope\": {\"categories\": [\"contact\"], \"categories\": []}}");

    assertThat(violation).isPresent();
    assertThat(violation.get().title()).isEqualTo("The JSON body names a member twice");
    assertThat(violation.get().problem().path()).isEqualTo("$.scope.categories");
  }

  @Test
  void theSameNameInDifferentObjectsIsFine() {
    assertThat(check("{\"a\": {\"id\": 1}, \"b\": {\"id\": 2}, \"c\": [{\"id\": 3}, {\"id\": 4}]}"))
        .isEmpty();
  }

  @Test
  void limitsAreStillReportedAsLimits() {
    var violation = check("{\"list\": [1, 2, 3, 4, 5]}");

    assertThat(violation).isPresent();
    assertThat(violation.get().title()).isEqualTo("The JSON body exceeds a structural limit");
    assertThat(violation.get().problem().path()).isEqualTo("$.list");
  }

  @Test
  void malformedJsonIsLeftToTheEndpoint() {
    assertThat(check("{\"a\": ")).isEmpty();
  }
}
