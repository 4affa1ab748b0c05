package dev.lattice.policy.internal.rego.builtins;

import static dev.lattice.policy.internal.rego.builtins.Builtins.add;

/**
 * {@code rego.metadata.rule()} and {@code rego.metadata.chain()}: the compiler replaces every call
 * with the annotations of the rule it is in ({@code compiler.Annotations}), as OPA's compiler does;
 * the registry entries make the names known (arity, types, the built-in table). Reaching one at
 * evaluation time would be a compiler bug.
 */
final class Metadata {
  private Metadata() {}

  static void register() {
    for (String name : new String[] {"rego.metadata.rule", "rego.metadata.chain"}) {
      add(
          name,
          0,
          (a, c) -> {
            throw BuiltinException.error(name + "() is replaced at compile time");
          });
    }
  }
}
