package dev.lattice.gateway.api;

import dev.lattice.gateway.problem.FieldProblem;
import dev.lattice.gateway.problem.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The one rule for ids that callers choose and that become Kafka record keys, store keys or parts
 * of them: member ids (wherever one enters: consent, ingest, members' rights, decision queries,
 * re-confirmation) and event ids. An id is 1 to {@value #MAX_BYTES} bytes of UTF-8, not blank, with
 * no control characters. Without a limit one request could make every store entry and audit record
 * about that member carry a megabyte-sized key. Network and brand ids have their own stricter
 * pattern (they become topic names).
 *
 * <p>Stateless and thread-safe.
 */
public final class Identifiers {

  /** The most UTF-8 bytes a member or event id may have. */
  public static final int MAX_BYTES = 256;

  private Identifiers() {}

  /**
   * What is wrong with {@code id}, at {@code path} ({@code $.header.subject_member}, {@code
   * memberId}), or null when it is acceptable.
   *
   * @param what what the id names, for the message ("member id", "event id")
   */
  public static FieldProblem problem(String id, String path, String what) {
    if (id == null || id.isBlank()) {
      return new FieldProblem(path, "must not be blank: give the " + what);
    }
    if (id.chars().anyMatch(Character::isISOControl)) {
      return new FieldProblem(path, "must not contain control characters");
    }
    int bytes = id.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      return new FieldProblem(
          path, "is " + bytes + " bytes of UTF-8; at most " + MAX_BYTES + " are allowed");
    }
    return null;
  }

  /** The most characters of a display name (a network's or brand's {@code name}). */
  public static final int MAX_NAME_CHARS = 200;

  /**
   * What is wrong with a display name at {@code path}, or null: not blank, at most {@value
   * #MAX_NAME_CHARS} characters, no control characters (names are shown in the console and logs).
   */
  public static FieldProblem nameProblem(String name, String path) {
    if (name == null || name.isBlank()) {
      return new FieldProblem(path, "must not be blank");
    }
    if (name.length() > MAX_NAME_CHARS) {
      return new FieldProblem(
          path, "is " + name.length() + " characters; at most " + MAX_NAME_CHARS + " are allowed");
    }
    if (name.chars().anyMatch(Character::isISOControl)) {
      return new FieldProblem(path, "must not contain control characters");
    }
    return null;
  }

  /**
   * @throws InvalidRequestException (400) naming {@code path} when {@code id} is not acceptable
   */
  public static void require(String id, String path, String what) {
    FieldProblem problem = problem(id, path, what);
    if (problem != null) {
      throw new InvalidRequestException("The " + what + " is invalid", List.of(problem));
    }
  }
}
