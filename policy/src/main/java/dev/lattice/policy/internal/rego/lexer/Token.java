package dev.lattice.policy.internal.rego.lexer;

/** A lexical token. {@code text} holds the decoded value for strings. */
public record Token(Kind kind, String text, int line, int col, boolean newlineBefore) {
  public enum Kind {
    IDENT,
    STRING,
    RAW_STRING,
    NUMBER,
    OP,
    /** {@code $"} or {@code $`} opening a template string; text is the quote. */
    TEMPLATE_START,
    /** Literal text of a template string, escapes decoded. */
    TEMPLATE_TEXT,
    /** The closing quote of a template string. */
    TEMPLATE_END,
    EOF
  }

  public boolean is(String op) {
    return (kind == Kind.OP || kind == Kind.IDENT) && text.equals(op);
  }
}
