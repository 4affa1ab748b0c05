package dev.lattice.policy;

import java.util.List;
import java.util.Optional;

/**
 * Every error the Rego engine raises: parse and compile errors (with {@code file:line:col}) and
 * evaluation errors. {@link #code()} follows OPA's error codes: {@code rego_parse_error}, {@code
 * rego_compile_error}, {@code rego_unsafe_var_error}, {@code rego_type_error}, {@code
 * rego_recursion_error}, {@code eval_conflict_error}, {@code eval_builtin_error}, {@code
 * eval_type_error}, plus {@code eval_budget_exceeded} (step budget or deadline exhausted, or
 * evaluation nested too deeply) and {@code eval_cancelled}.
 */
public class RegoException extends RuntimeException {
  public static final String PARSE = "rego_parse_error";
  public static final String COMPILE = "rego_compile_error";
  public static final String UNSAFE_VAR = "rego_unsafe_var_error";
  public static final String TYPE = "rego_type_error";
  public static final String RECURSION = "rego_recursion_error";
  public static final String CONFLICT = "eval_conflict_error";
  public static final String BUILTIN = "eval_builtin_error";
  public static final String EVAL_TYPE = "eval_type_error";
  public static final String BUDGET = "eval_budget_exceeded";

  private final String code;
  private final String detail;
  private final transient Location location;
  private final transient List<RegoException> errors;

  public RegoException(String code, String message, Location location) {
    super(location == null ? code + ": " + message : location + ": " + code + ": " + message);
    this.code = code;
    this.detail = message;
    this.location = location;
    this.errors = null;
  }

  private RegoException(List<RegoException> all) {
    super(
        all.size()
            + " errors occurred:\n"
            + String.join("\n", all.stream().map(RegoException::getMessage).toList()));
    this.code = all.get(0).code;
    this.detail = all.get(0).detail;
    this.location = all.get(0).location;
    this.errors = List.copyOf(all);
  }

  /**
   * One exception for several errors found together (a compile reports every error it can): the
   * code and location are the first error's, the message lists them all, one per line.
   */
  public static RegoException of(List<RegoException> all) {
    if (all.isEmpty()) throw new IllegalArgumentException("no errors");
    return all.size() == 1 ? all.get(0) : new RegoException(all);
  }

  /** Every error this exception stands for, in source order (itself when it is a single one). */
  public List<RegoException> errors() {
    return errors == null ? List.of(this) : errors;
  }

  /** The message without location and code. */
  public String detail() {
    return detail;
  }

  public RegoException(String code, String message) {
    this(code, message, null);
  }

  /** OPA-style error code. */
  public String code() {
    return code;
  }

  /** Where in the policy source the error was detected, when known. */
  public Optional<Location> location() {
    return Optional.ofNullable(location);
  }
}
