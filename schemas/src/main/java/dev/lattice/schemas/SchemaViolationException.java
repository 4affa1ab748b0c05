package dev.lattice.schemas;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A JSON document does not match its Avro schema. Holds every error of the document, not only the
 * first, each naming the field path.
 */
public final class SchemaViolationException extends RuntimeException {

  private final String schemaName;
  private final List<FieldError> errors;

  public SchemaViolationException(String schemaName, List<FieldError> errors) {
    super(
        schemaName
            + ": "
            + errors.size()
            + (errors.size() == 1 ? " error: " : " errors: ")
            + errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
    this.schemaName = schemaName;
    this.errors = List.copyOf(errors);
  }

  /** Simple name of the schema the document was checked against. */
  public String schemaName() {
    return schemaName;
  }

  /** Every error, in document order; never empty. */
  public List<FieldError> errors() {
    return errors;
  }
}
