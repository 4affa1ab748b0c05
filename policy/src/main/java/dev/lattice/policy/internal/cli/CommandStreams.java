package dev.lattice.policy.internal.cli;

import java.io.PrintStream;

/**
 * Where a policy command writes: results to {@code out}, problems to {@code err}. Handed to each
 * command by {@link dev.lattice.policy.PolicyCli}'s factory.
 */
public record CommandStreams(PrintStream out, PrintStream err) {}
