package dev.lattice.gateway.api.policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lattice.gateway.problem.FieldProblem;
import dev.lattice.gateway.problem.InvalidRequestException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ReplayRequestTest {

  private static JsonNode body(String json) {
    return JsonMapper.builder().build().readTree(json);
  }

  private static FieldProblem refusal(Runnable call) {
    InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class, call::run);
    assertThat(e).as("a 400 problem").isNotNull();
    return e.errors().get(0);
  }

  @Test
  void aWindowBeyondAYearIsA400InsteadOfAnOverflowingClock() {
    assertThat(
            refusal(() -> PolicyController.replayWindow(body("{\"window\": \"P99999999D\"}")))
                .path())
        .isEqualTo("$.window");
  }

  @Test
  void aMisspeltFieldIsA400AtThatFieldRatherThanAReplayOfTheDefaultHour() {
    assertThat(refusal(() -> PolicyController.replayShape(body("{\"windw\": \"P1D\"}"))).path())
        .isEqualTo("$.windw");
  }

  @Test
  void aBodyThatIsNotAnObjectIsA400() {
    assertThat(refusal(() -> PolicyController.replayShape(body("[\"PT1H\"]"))).path())
        .isEqualTo("$");
  }

  @Test
  void anAbsentOrNullBodyOrBothKnownFieldsAreAccepted() {
    assertThatCode(() -> PolicyController.replayShape(null)).doesNotThrowAnyException();
    assertThatCode(() -> PolicyController.replayShape(body("null"))).doesNotThrowAnyException();
    assertThatCode(() -> PolicyController.replayShape(body("{\"window\": \"PT1H\", \"limit\": 5}")))
        .doesNotThrowAnyException();
  }

  @Test
  void aLimitThatIsNotANumberIsA400AtTheLimitInsteadOfA500() {
    assertThat(refusal(() -> PolicyController.replayLimit(body("{\"limit\": \"x\"}"))).path())
        .isEqualTo("$.limit");
  }

  @Test
  void aNegativeOrFractionalLimitIsRefusedRatherThanSilentlyChanged() {
    assertThat(refusal(() -> PolicyController.replayLimit(body("{\"limit\": -5}"))).path())
        .isEqualTo("$.limit");
    assertThat(refusal(() -> PolicyController.replayLimit(body("{\"limit\": 2.5}"))).path())
        .isEqualTo("$.limit");
  }

  @Test
  void aValidLimitIsKeptAndAHugeOneIsCappedAtTenThousand() {
    assertThat(PolicyController.replayLimit(body("{\"limit\": 50}"))).isEqualTo(50);
    assertThat(PolicyController.replayLimit(body("{\"limit\": 99999999999}"))).isEqualTo(10_000);
    assertThat(PolicyController.replayLimit(body("{}"))).isEqualTo(1000);
  }

  @Test
  void aWindowThatIsNotAPositiveDurationIsA400AtTheWindow() {
    for (String json :
        new String[] {"{\"window\": \"forever\"}", "{\"window\": \"-PT1H\"}", "{\"window\": 5}"}) {
      assertThat(refusal(() -> PolicyController.replayWindow(body(json))).path())
          .as(json)
          .isEqualTo("$.window");
    }
    assertThat(PolicyController.replayWindow(body("{\"window\": \"PT2H\"}")))
        .isEqualTo(Duration.ofHours(2));
  }
}
