package dev.lattice.policy;

import java.util.List;

/** Entry point of the Rego engine: compile modules plus a data document once, query many times. */
public final class Rego {

  /**
   * Binding name under which a bare-term query (such as {@code data.lattice.decision}) reports the
   * term's value, one binding set per distinct value (like the expression value of {@code opa
   * eval}).
   */
  public static final String EXPRESSION_BINDING = "x";

  private Rego() {}

  /**
   * Parses and compiles Rego v1 modules.
   *
   * @param data the base document: JSON-like Java value ({@code Map} at the top) or {@code null}
   *     for {@code {}}
   * @throws RegoException with {@code file:line:col} on parse or compile errors
   */
  public static CompiledPolicy compile(List<RegoModule> modules, Object data) {
    return dev.lattice.policy.internal.rego.eval.Engine.compile(modules, data);
  }
}
