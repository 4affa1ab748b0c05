package dev.lattice.policy.internal.rego.builtins;

import dev.lattice.policy.RegoException;

/**
 * An error raised by a built-in: {@code eval_type_error} for bad operands, else {@code
 * eval_builtin_error}.
 */
public final class BuiltinException extends RuntimeException {
  private final String code;

  public BuiltinException(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static BuiltinException type(String message) {
    return new BuiltinException(RegoException.EVAL_TYPE, message);
  }

  public static BuiltinException error(String message) {
    return new BuiltinException(RegoException.BUILTIN, message);
  }
}
