package dev.lattice.policy.internal.rego.value;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Objects and sets are hash tables ordered on demand: whatever order they are built in, they must
 * iterate, compare, print and hash exactly as the sorted trees they replaced.
 */
class ValueTest {

  @Provide
  Arbitrary<List<Value>> keys() {
    Arbitrary<Value> scalar =
        Arbitraries.oneOf(
            Arbitraries.strings().alpha().ofMaxLength(4).map(Value::str),
            Arbitraries.longs().between(-5, 5).map(Value::num),
            Arbitraries.of(Value.TRUE, Value.FALSE, Value.NULL),
            Arbitraries.of("0.5", "1.0", "2.50", "1e3")
                .map(t -> (Value) Value.Num.of(new BigDecimal(t))));
    Arbitrary<Value> arr = scalar.list().ofMaxSize(3).map(Value.Arr::of);
    return Arbitraries.oneOf(scalar, arr).list().ofMaxSize(24);
  }

  @Property(tries = 300)
  void anObjectIteratesComparesAndHashesLikeASortedMapWhateverItsInsertionOrder(
      @ForAll("keys") List<Value> keys) {
    TreeMap<Value, Value> reference = new TreeMap<>();
    Value.Obj.Builder b = Value.Obj.builder();
    List<Value> shuffled = new ArrayList<>(keys);
    Collections.shuffle(shuffled, new Random(keys.size()));
    for (int i = 0; i < shuffled.size(); i++) {
      reference.put(shuffled.get(i), Value.num(i));
      b.put(shuffled.get(i), Value.num(i));
    }
    Value.Obj obj = b.build();
    Value.Obj fromReference = Value.Obj.of(reference);

    assertThat(new ArrayList<>(obj.map().keySet())).isEqualTo(new ArrayList<>(reference.keySet()));
    assertThat(new ArrayList<>(obj.map().values())).isEqualTo(new ArrayList<>(reference.values()));
    assertThat(obj).isEqualTo(fromReference);
    assertThat(obj.hashCode()).isEqualTo(fromReference.hashCode());
    assertThat(obj.compareTo(fromReference)).isZero();
    assertThat(Json.write(obj)).isEqualTo(Json.write(fromReference));
    for (Value k : keys) assertThat(obj.get(k)).isEqualTo(reference.get(k));
  }

  @Property(tries = 300)
  void aSetIteratesAndComparesLikeASortedSetWhateverItsInsertionOrder(
      @ForAll("keys") List<Value> elems) {
    TreeSet<Value> reference = new TreeSet<>(elems);
    List<Value> reversed = new ArrayList<>(elems);
    Collections.reverse(reversed);
    Value.SetV set = Value.SetV.of(reversed);

    assertThat(set.sortedList()).isEqualTo(new ArrayList<>(reference));
    assertThat(set.size()).isEqualTo(reference.size());
    assertThat(set).isEqualTo(Value.SetV.of(reference));
    assertThat(set.hashCode()).isEqualTo(Value.SetV.of(reference).hashCode());
    for (Value e : elems) assertThat(set.contains(e)).isTrue();
  }

  @Property(tries = 200)
  void objectOrderIsTheOrderOfTheirSortedMembers(
      @ForAll("keys") List<Value> a, @ForAll("keys") List<Value> b) {
    Value.Obj x = objectOf(a);
    Value.Obj y = objectOf(b);
    int expected = Integer.signum(compareSorted(sortedOf(a), sortedOf(b)));

    assertThat(Integer.signum(x.compareTo(y))).isEqualTo(expected);
    assertThat(x.equals(y)).isEqualTo(expected == 0);
  }

  @Test
  void stringLookupsFindStringKeysInSmallAndIndexedObjects() {
    for (int n : new int[] {3, 8, 9, 40}) {
      Value.Obj.Builder b = Value.Obj.builder();
      for (int i = n - 1; i >= 0; i--) b.put(Value.str("k" + i), Value.num(i));
      b.put(Value.num(7), Value.str("number key"));
      Value.Obj obj = b.build();

      for (int i = 0; i < n; i++) assertThat(obj.get("k" + i)).isEqualTo(Value.num(i));
      assertThat(obj.get("k" + n)).isNull();
      assertThat(obj.get("7")).as("a string never finds a number key").isNull();
      assertThat(obj.get(Value.num(7))).isEqualTo(Value.str("number key"));
      assertThat(obj.key(0)).isEqualTo(Value.num(7));
    }
  }

  @Test
  void numbersEqualByValueAreOneKey() {
    Value.SetV.Builder b = Value.SetV.builder();
    b.add(Value.num(1));
    b.add(Value.Num.of(new BigDecimal("1.0")));
    b.add(Value.Num.of(new BigDecimal("0.50")));
    b.add(Value.Num.of(new BigDecimal("0.5")));

    assertThat(b.build().size()).isEqualTo(2);
  }

  @Test
  void aBuilderRemovesAndReplacesMembersAcrossTheIndexThreshold() {
    Value.Obj.Builder b = Value.Obj.builder();
    for (int i = 0; i < 12; i++) b.put(Value.num(i), Value.num(i));
    for (int i = 0; i < 12; i += 2) assertThat(b.remove(Value.num(i))).isTrue();
    b.put(Value.num(1), Value.str("one"));
    Value.Obj obj = b.build();

    assertThat(obj.size()).isEqualTo(6);
    assertThat(obj.get(Value.num(1))).isEqualTo(Value.str("one"));
    assertThat(obj.get(Value.num(2))).isNull();
    assertThat(obj.toString())
        .isEqualTo("{\"1\":\"one\",\"3\":3,\"5\":5,\"7\":7,\"9\":9,\"11\":11}");
  }

  @Test
  void aLazilyConvertedInputEqualsItsFullConversionAndRemembersMissingKeys() {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("type", "offer");
    event.put("tags", List.of("b", "a"));
    event.put("nested", Map.of("z", 1, "a", Map.of("x", true)));
    Map<String, Object> input = Map.of("event", event, "n", 3);

    Value lazy = Convert.fromJavaLazy(input);
    Value eager = Convert.fromJava(input);
    Value.Obj lazyEvent = (Value.Obj) ((Value.Obj) lazy).get("event");

    assertThat(lazyEvent.get("missing")).isNull();
    assertThat(lazyEvent.get("missing")).isNull();
    assertThat(lazyEvent.get("type")).isEqualTo(Value.str("offer"));
    assertThat(lazy).isEqualTo(eager);
    assertThat(lazy.hashCode()).isEqualTo(eager.hashCode());
    assertThat(Json.write(lazy)).isEqualTo(Json.write(eager));
  }

  @Test
  void aLazilyConvertedObjectAnswersEveryReadWhetherOrNotItStillRemembersIt() {
    Map<String, Object> wide = new LinkedHashMap<>();
    for (int i = 0; i < 100; i++) wide.put("k" + i, i);
    Value.Obj lazy = (Value.Obj) Convert.fromJavaLazy(wide);

    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 100; i++) assertThat(lazy.get("k" + i)).isEqualTo(Value.num(i));
      assertThat(lazy.get("k100")).isNull();
    }
    assertThat(lazy).isEqualTo(Convert.fromJava(wide));
    assertThat(lazy.get("k99")).isEqualTo(Value.num(99));
  }

  @Test
  void aResultViewReadsAsTheResultsCopy() {
    Value v =
        Json.parse(
            "{\"allow\":false,\"reasons\":[{\"code\":\"NO_CONSENT\",\"detail\":{\"b\":2,\"a\":[1]}}],"
                + "\"obligations\":{\"redact\":[\"email\"]},\"big\":12345678901234567890}");
    Value.Obj.Builder b = ((Value.Obj) v).toBuilder();
    b.put(Value.str("set"), Value.SetV.of(List.of(Value.str("y"), Value.str("x"))));
    b.put(Value.num(3), Value.str("number key"));
    Value withSetAndNumberKey = b.build();

    assertThat(Convert.view(withSetAndNumberKey)).isEqualTo(Convert.toJava(withSetAndNumberKey));
    assertThat(Convert.view(withSetAndNumberKey).toString())
        .isEqualTo(Convert.toJava(withSetAndNumberKey).toString());
    assertThat(Convert.view(Value.SetV.of(List.of(Value.num(2), Value.num(1)))))
        .isEqualTo(List.of(1L, 2L));
    @SuppressWarnings("unchecked")
    Map<String, Object> view = (Map<String, Object>) Convert.view(v);
    assertThat(view.get("allow")).isEqualTo(false);
    assertThat(view.get("missing")).isNull();
    assertThat(view.containsKey("reasons")).isTrue();
  }

  private static Value.Obj objectOf(List<Value> keys) {
    Value.Obj.Builder b = Value.Obj.builder();
    for (int i = 0; i < keys.size(); i++) b.put(keys.get(i), Value.num(i % 3));
    return b.build();
  }

  private static TreeMap<Value, Value> sortedOf(List<Value> keys) {
    TreeMap<Value, Value> m = new TreeMap<>();
    for (int i = 0; i < keys.size(); i++) m.put(keys.get(i), Value.num(i % 3));
    return m;
  }

  private static int compareSorted(TreeMap<Value, Value> a, TreeMap<Value, Value> b) {
    var i1 = a.entrySet().iterator();
    var i2 = b.entrySet().iterator();
    while (i1.hasNext() && i2.hasNext()) {
      var e1 = i1.next();
      var e2 = i2.next();
      int c = e1.getKey().compareTo(e2.getKey());
      if (c != 0) return c;
      c = e1.getValue().compareTo(e2.getValue());
      if (c != 0) return c;
    }
    return Integer.compare(a.size(), b.size());
  }
}
