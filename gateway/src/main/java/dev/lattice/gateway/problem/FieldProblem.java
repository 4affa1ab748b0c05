package dev.lattice.gateway.problem;

/**
 * One error in a request body or parameter.
 *
 * @param path where the error is: a JSON path such as {@code $.payload.email}, or a parameter name
 * @param message what is wrong there and what would be accepted
 */
public record FieldProblem(String path, String message) {}
