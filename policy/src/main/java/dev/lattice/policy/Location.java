package dev.lattice.policy;

/** A position in a Rego module: file (module path), 1-based line and column. */
public record Location(String file, int line, int column) {
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
