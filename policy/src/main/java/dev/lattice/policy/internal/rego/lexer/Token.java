package dev.lattice.policy.internal.rego.lexer;

/** A lexical token. {@code text} holds the decoded value for strings. */
public record Token(Kind kind, String text, int line, int col, boolean newlineBefore) {
  public enum Kind {
    IDENT,
    STRING,
    RAW_STRING,
    NUMBER,
    OP,
    EOF
  }

  public boolean is(String op) {
    return (kind == Kind.OP || kind == Kind.IDENT) && text.equals(op);
  }
}
