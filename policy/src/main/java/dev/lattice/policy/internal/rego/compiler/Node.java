package dev.lattice.policy.internal.rego.compiler;

import dev.lattice.policy.internal.rego.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A node of the rule tree under {@code data}: a package segment and/or the rules defined at it. */
public final class Node {
  public enum Kind {
    COMPLETE,
    SET,
    OBJECT,
    FUNCTION
  }

  public final String name;
  public final String path;
  public final int id;
  public final Map<String, Node> children = new LinkedHashMap<>();
  private final List<CRule> definitions = new ArrayList<>();

  /** The rule's definitions (without the default), in source order; read-only. */
  public final List<CRule> rules = java.util.Collections.unmodifiableList(definitions);

  public Kind kind;
  public CRule defaultRule;
  public int arity = -1;

  /** The index of {@link #rules} by their leading equality conditions, or null (see RuleIndex). */
  public RuleIndex index;

  /**
   * The value of a rule that reads no input and nothing else that varies between evaluations,
   * computed once when the policy is compiled with its data; null when not folded (see {@code
   * RuleFolding}). Set before the rule bodies are compiled to operands, never changed after.
   */
  public Value foldedValue;

  Node(String name, String path, int id) {
    this.name = name;
    this.path = path;
    this.id = id;
  }

  /** The compiler adds each definition once, in source order. */
  void addRule(CRule definition) {
    definitions.add(definition);
  }

  public boolean hasRules() {
    return kind != null;
  }

  @Override
  public String toString() {
    return path;
  }
}
