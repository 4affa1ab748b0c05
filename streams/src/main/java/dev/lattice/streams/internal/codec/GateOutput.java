package dev.lattice.streams.internal.codec;

/**
 * What the offer gate emits: the offer to broadcast ({@link Inbound}), or its quarantine record
 * ({@link Outbound}).
 */
public sealed interface GateOutput permits Inbound, Outbound {}
