package dev.lattice.policy.internal.rego.builtins;

import dev.lattice.policy.internal.rego.value.Value;

/**
 * A built-in function. {@link Fn#call} returns the result, or null for undefined; it throws {@link
 * BuiltinException} for type errors and other built-in errors. A {@code multi} built-in returns an
 * array whose elements are the separate results (used by {@code walk}).
 */
public record Builtin(String name, int arity, boolean multi, Fn fn) {
  @FunctionalInterface
  public interface Fn {
    Value call(Value[] args, BuiltinContext ctx);
  }
}
