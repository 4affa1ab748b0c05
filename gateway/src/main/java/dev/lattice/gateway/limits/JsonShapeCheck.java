package dev.lattice.gateway.limits;

import dev.lattice.gateway.problem.FieldProblem;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Checks a JSON document's shape with a streaming parser before anything builds a tree from it:
 * nesting depth and the length of every array. Malformed JSON is not this check's business (the
 * endpoint reports it with its own message); the check stops at the first violation and names its
 * JSON path.
 */
final class JsonShapeCheck {

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          // Our own limit reports a path; Jackson's would only say "too deep". Keep Jackson's
          // guard above ours.
          .streamReadConstraints(
              tools.jackson.core.StreamReadConstraints.builder().maxNestingDepth(10_000).build())
          .build();

  private final int maxDepth;
  private final int maxArrayLength;

  JsonShapeCheck(int maxDepth, int maxArrayLength) {
    this.maxDepth = maxDepth;
    this.maxArrayLength = maxArrayLength;
  }

  private static final class Frame {
    final boolean array;
    final String path;
    int elements;
    String field;

    Frame(boolean array, String path) {
      this.array = array;
      this.path = path;
    }

    String childPath() {
      return array ? path + "[" + elements + "]" : path + "." + field;
    }
  }

  /** The first violation, or empty when the document respects the limits (or is not JSON). */
  Optional<FieldProblem> check(byte[] body) {
    Deque<Frame> stack = new ArrayDeque<>();
    try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), body)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        Frame parent = stack.peek();
        switch (token) {
          case PROPERTY_NAME -> parent.field = parser.currentName();
          case START_OBJECT, START_ARRAY -> {
            String path = parent == null ? "$" : parent.childPath();
            if (parent != null && parent.array) {
              parent.elements++;
              if (parent.elements > maxArrayLength) {
                return Optional.of(tooLong(parent.path));
              }
            }
            if (stack.size() + 1 > maxDepth) {
              return Optional.of(
                  new FieldProblem(
                      path,
                      "nests deeper than "
                          + maxDepth
                          + " levels (setting lattice.limits.max-json-depth)"));
            }
            stack.push(new Frame(token == JsonToken.START_ARRAY, path));
          }
          case END_OBJECT, END_ARRAY -> stack.pop();
          default -> {
            if (parent != null && parent.array) {
              parent.elements++;
              if (parent.elements > maxArrayLength) {
                return Optional.of(tooLong(parent.path));
              }
            }
          }
        }
      }
    } catch (JacksonException e) {
      return Optional.empty(); // malformed: the endpoint's own parsing reports it
    }
    return Optional.empty();
  }

  private FieldProblem tooLong(String path) {
    return new FieldProblem(
        path,
        "has more than "
            + maxArrayLength
            + " elements (setting lattice.limits.max-json-array-length)");
  }
}
