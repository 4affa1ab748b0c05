package dev.lattice.policy.internal.rego.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.policy.internal.rego.value.Value;
import java.math.BigDecimal;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The shared-part memo reuses a thread's last encoding of an input path when the new value encodes
 * the same (SharedRuleMemo.hasEncoding, which compares without building the encoding): it must
 * agree exactly with comparing the built encodings, or a memoised value would be returned for an
 * input it was not computed for.
 */
class SharedRuleMemoEncodingTest {

  @Provide
  Arbitrary<Value> values() {
    Arbitrary<Value> scalar =
        Arbitraries.oneOf(
            Arbitraries.strings().withChars("ab:\"#1").ofMaxLength(4).map(Value::str),
            Arbitraries.longs().between(-12, 12).map(Value::num),
            Arbitraries.of(Value.TRUE, Value.FALSE, Value.NULL),
            Arbitraries.of("0.5", "1.0", "1", "10", "2.50", "1e3")
                .map(t -> (Value) Value.Num.of(new BigDecimal(t))));
    Arbitrary<Value> array = scalar.list().ofMaxSize(3).map(l -> (Value) Value.Arr.of(l));
    Arbitrary<Value> set = scalar.list().ofMaxSize(3).map(l -> (Value) Value.SetV.of(l));
    Arbitrary<Value> object =
        Arbitraries.strings()
            .withChars("ab")
            .ofMaxLength(2)
            .list()
            .ofMaxSize(3)
            .uniqueElements()
            .flatMap(
                ks ->
                    Arbitraries.oneOf(scalar, array)
                        .list()
                        .ofSize(ks.size())
                        .map(
                            vs -> {
                              Value.Obj.Builder b = Value.Obj.builder(ks.size());
                              for (int i = 0; i < ks.size(); i++)
                                b.put(Value.str(ks.get(i)), vs.get(i));
                              return (Value) b.build();
                            }));
    return Arbitraries.oneOf(scalar, array, set, object, Arbitraries.just(null));
  }

  @Property(tries = 2000)
  void aValueHasAnEncodingExactlyWhenItsOwnEncodingIsThatString(
      @ForAll("values") Value value, @ForAll("values") Value other) {
    String otherEncoding = SharedRuleMemo.encoding(other);

    boolean matches = SharedRuleMemo.hasEncoding(value, otherEncoding);

    assertThat(matches).isEqualTo(SharedRuleMemo.encoding(value).equals(otherEncoding));
  }

  @Test
  void aNumberAndTheStringOfItsDigitsDoNotShareAnEncoding() {
    Value number = Value.num(12);
    Value digits = Value.str("12");

    boolean matches = SharedRuleMemo.hasEncoding(digits, SharedRuleMemo.encoding(number));

    assertThat(matches).isFalse();
  }

  @Test
  void anEncodingThatContinuesAfterTheValueIsNotItsEncoding() {
    String longer = SharedRuleMemo.encoding(Value.str("ab"));

    boolean prefixMatches = SharedRuleMemo.hasEncoding(Value.str("a"), longer);
    boolean listMatches =
        SharedRuleMemo.hasEncoding(
            Value.Arr.of(List.of(Value.str("a"))),
            SharedRuleMemo.encoding(Value.Arr.of(List.of(Value.str("a"), Value.str("b")))));

    assertThat(prefixMatches).isFalse();
    assertThat(listMatches).isFalse();
  }
}
