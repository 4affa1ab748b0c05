package dev.lattice.policy;

import java.util.List;

/** Compiled modules plus their data document. Immutable and thread-safe. */
public interface CompiledPolicy {

  /**
   * Compiles a query. A query is one or more expressions separated by {@code ;} or newlines ({@code
   * x := data.p.q[_]}, {@code data.p.allow == true}). A query that is a single bare term (such as
   * {@code data.lattice.decision}) is answered like {@code opa eval}: each solution binds the
   * term's value under the key {@link Rego#EXPRESSION_BINDING} ({@code "x"}); undefined gives no
   * binding sets.
   *
   * @throws RegoException ({@code rego_parse_error}, {@code rego_compile_error}, ...) for a bad
   *     query
   */
  PreparedQuery prepare(String query);

  /** Every rule of every module, in module and source order. */
  List<RuleInfo> rules();
}
