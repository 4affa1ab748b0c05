package dev.lattice.schemas;

/**
 * One problem of a JSON document against a schema.
 *
 * @param path dotted path of the field from the document root, array items as {@code [i]}, e.g.
 *     {@code creative.headline} or {@code target_networks[2]}; {@code $} for the document itself
 * @param message what was expected and what was found, e.g. {@code expected timestamp-millis, got
 *     "tomorrow"}
 */
public record FieldError(String path, String message) {
  @Override
  public String toString() {
    return path + ": " + message;
  }
}
