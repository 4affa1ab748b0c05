package dev.lattice.policy;

/**
 * One entry of an evaluation trace: a rule whose body succeeded ({@code kind = "fire"}) or a {@code
 * print} output ({@code kind = "print"}).
 */
public record TraceEvent(String kind, String rule, Location location, String message) {}
