package dev.lattice.policy.internal.rego.compiler;

import dev.lattice.policy.internal.rego.ast.Ast.Expr;
import dev.lattice.policy.internal.rego.ast.Ast.Term;
import java.util.List;

/**
 * A compiled query. {@code outputs} are the named query variables (name and slot), in first-seen
 * order. {@code bareTerm} is set when the query is one bare term, reported as {@code x}.
 */
public record CompiledQuery(
    Expr[] body, int nslots, List<String> outputNames, int[] outputSlots, Term bareTerm) {}
