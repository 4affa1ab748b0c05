package dev.lattice.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Syntax errors name the offending token as OPA's parser does ({@code unexpected } token}, {@code
 * unexpected assign token}, {@code unexpected else keyword}, {@code unexpected eof token}, {@code
 * package expected}), so an author who searches OPA's documentation for the message finds it; the
 * location is the token's line and column.
 */
class ParseErrorWordingTest {

  private static RegoException parseError(String src) {
    RegoException e =
        catchThrowableOfType(
            RegoException.class,
            () -> Rego.compile(List.of(new RegoModule("policy.rego", src)), null));
    assertThat(e).as("a parse error for %s", src).isNotNull();
    assertThat(e.code()).isEqualTo(RegoException.PARSE);
    return e;
  }

  @Test
  void aStrayClosingBraceIsAnUnexpectedRightCurlyToken() {
    RegoException e = parseError("package t\n\nallow if {\n  x := 1\n  y := x +\n}\n");
    assertThat(e.detail()).isEqualTo("unexpected } token");
    assertThat(e.location()).contains(new Location("policy.rego", 6, 1));
  }

  @Test
  void operatorsAndKeywordsAreNamedAsOpaNamesThem() {
    assertThat(parseError("package t\nf(x) := y := 2\n").detail())
        .isEqualTo("unexpected assign token");
    assertThat(parseError("package t\np if {\n  x := else\n}\n").detail())
        .isEqualTo("unexpected else keyword");
    assertThat(parseError("package t\np if {\n  x == == 1\n}\n").detail())
        .isEqualTo("unexpected equal token");
  }

  @Test
  void anUnfinishedModuleIsAnUnexpectedEofTokenAndAMissingPackageIsNamed() {
    RegoException eof = parseError("package t\n\np if {\n  true\n");
    assertThat(eof.detail()).startsWith("unexpected eof token");
    assertThat(eof.location()).contains(new Location("policy.rego", 5, 1));
    assertThat(parseError("p := 1\n").detail()).isEqualTo("package expected");
    assertThat(parseError("package t.\n").detail())
        .isEqualTo("unexpected eof token: expected ident");
  }
}
