package dev.lattice.policy;

import java.util.List;

/**
 * A bundle was refused: it failed to load, verify, compile or pass its own tests. The previously
 * active bundle stays live and keeps deciding. The message says which stage failed and lists the
 * problems (each with its file path, and {@code file:line:col} for Rego errors).
 */
public class PolicyActivationException extends RuntimeException {

  /** The stage at which activation was refused. */
  public enum Stage {
    /** The bundle could not be read: bad archive, bad manifest, bad data file, roots overlap. */
    LOAD,
    /** A signature is missing, invalid, or does not match the files. */
    VERIFY,
    /** A Rego module does not parse or compile. */
    COMPILE,
    /** One of the bundle's own {@code test_} rules failed or errored. */
    TEST
  }

  private final Stage stage;
  private final String revision;
  private final List<String> problems;

  public PolicyActivationException(
      Stage stage, String revision, List<String> problems, Throwable cause) {
    super(message(stage, revision, problems), cause);
    this.stage = stage;
    this.revision = revision == null ? "" : revision;
    this.problems = problems == null ? List.of() : List.copyOf(problems);
  }

  public PolicyActivationException(Stage stage, String revision, List<String> problems) {
    this(stage, revision, problems, null);
  }

  private static String message(Stage stage, String revision, List<String> problems) {
    StringBuilder sb = new StringBuilder("bundle");
    if (revision != null && !revision.isEmpty())
      sb.append(" revision '").append(revision).append("'");
    sb.append(" refused at ")
        .append(stage.name().toLowerCase())
        .append(" (the previous bundle stays active)");
    if (problems != null) {
      for (String p : problems) sb.append("\n  ").append(p);
    }
    return sb.toString();
  }

  public Stage stage() {
    return stage;
  }

  /** The refused bundle's revision, or empty when the manifest could not be read. */
  public String revision() {
    return revision;
  }

  /** One line per problem, each naming the file (and position) at fault. */
  public List<String> problems() {
    return problems;
  }
}
