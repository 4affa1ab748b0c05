package dev.lattice.policy;

/** A query compiled against a {@link CompiledPolicy}. Immutable, thread-safe, reusable. */
public interface PreparedQuery {

  /**
   * Evaluates the query.
   *
   * @param input JSON-like Java value ({@code Map}, {@code List}, {@code String}, {@code Number},
   *     {@code Boolean}, {@code null}); {@code null} means input is undefined
   * @throws RegoException with an {@code eval_*} code on conflicts, type errors, strict built-in
   *     errors or when the budget is exhausted
   */
  QueryResult evaluate(Object input, EvalOptions options);

  default QueryResult evaluate(Object input) {
    return evaluate(input, EvalOptions.defaults());
  }
}
