package dev.lattice.policy;

import java.util.List;

/**
 * A rule as compiled: {@code packagePath} is the package ({@code ["lattice", "consent"]}), {@code
 * name} the rule's first head segment ({@code test_allow}), {@code path} the dotted ground prefix
 * of its head ({@code data.lattice.consent.test_allow}), {@code function} whether it takes
 * arguments.
 */
public record RuleInfo(
    List<String> packagePath, String name, String path, boolean function, Location location) {}
