package dev.lattice.streams.internal.codec;

/**
 * What the member sub-topology emits: a record for the single sink ({@link Outbound}), or a count
 * for the insights repartition ({@link InsightTick}). Sealed, so routing is a {@code switch} that
 * the compiler checks, not a chain of {@code instanceof}.
 */
public sealed interface TopologyOutput permits Outbound, InsightTick {}
