package dev.lattice.gateway.problem;

import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;

/**
 * A body that is not JSON at all, as a field problem at {@code $}: the parser's message without the
 * part that echoes the body, and where the parser stopped (line and column, both from 1).
 */
public final class JsonSyntaxProblem {

  private JsonSyntaxProblem() {}

  public static FieldProblem of(JacksonException e) {
    String message = e.getOriginalMessage();
    if (message == null || message.isBlank()) {
      message = "unreadable JSON";
    }
    // Jackson's message may quote the body on later lines; the first line names the problem.
    message = message.lines().findFirst().orElse(message);
    TokenStreamLocation at = e.getLocation();
    if (at != null && at.getLineNr() > 0) {
      message += " (at line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }
    return new FieldProblem("$", message);
  }
}
