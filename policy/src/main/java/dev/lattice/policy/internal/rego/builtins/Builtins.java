package dev.lattice.policy.internal.rego.builtins;

import dev.lattice.policy.internal.rego.value.Json;
import dev.lattice.policy.internal.rego.value.Value;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Registry of every built-in function by name. */
public final class Builtins {
  private static final Map<String, Builtin> ALL = new HashMap<>();

  static {
    Core.register();
    Collections.register();
    Strings.register();
    Regex.register();
    Net.register();
    Numbers.register();
    Semver.register();
    Graphs.register();
    JsonDocs.register();
    Tokens.register();
    X509.register();
    Templates.register();
    Encoding.register();
    Time.register();
    Yaml.register();
    Metadata.register();
    X509Csr.register();
    GraphQl.register();
    RegoModules.register();
    AwsSignatures.register();
  }

  private Builtins() {}

  static void add(String name, int arity, Builtin.Fn fn) {
    ALL.put(name, new Builtin(name, arity, false, fn));
  }

  static void addMulti(String name, int arity, Builtin.Fn fn) {
    ALL.put(name, new Builtin(name, arity, true, fn));
  }

  /** The built-in with this name, or null. */
  public static Builtin get(String name) {
    return ALL.get(name);
  }

  /** {@code x in collection} (the built-in internal.member_2), for the evaluator's fast path. */
  public static boolean member(Value x, Value collection) {
    return Core.member(x, collection);
  }

  public static Set<String> names() {
    return ALL.keySet();
  }

  static String show(Value v) {
    return Json.term(v);
  }
}
