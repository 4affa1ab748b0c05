package dev.lattice.policy;

/**
 * One entry of an evaluation trace: a rule whose body succeeded ({@code kind = "fire"}), a {@code
 * print} output ({@code kind = "print"}), a {@code trace(note)} ({@code kind = "note"}) or, with
 * {@link EvalOptions#traceFails()}, an expression that had no solution ({@code kind = "fail"}, its
 * location only).
 */
public record TraceEvent(String kind, String rule, Location location, String message) {}
