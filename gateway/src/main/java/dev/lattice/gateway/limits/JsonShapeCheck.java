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
 * nesting depth, the length of every array, and member names that repeat within one object (JSON
 * leaves their meaning open; a parser keeps the last, so {@code {"categories": ["contact"],
 * "categories": []}} would grant every category while reading as a narrow grant). Malformed JSON is
 * not this check's business (the endpoint reports it with its own message); the check stops at the
 * first violation and names its JSON path.
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
    java.util.Set<String> names; // an object's member names so far, made on the second one

    Frame(boolean array, String path) {
      this.array = array;
      this.path = path;
    }

    String childPath() {
      return array ? path + "[" + elements + "]" : path + "." + field;
    }
  }

  /** A refused document: what is wrong with it, and where. */
  record Violation(String title, FieldProblem problem) {}

  /** The first violation, or empty when the document respects the limits (or is not JSON). */
  Optional<Violation> check(byte[] body) {
    Deque<Frame> stack = new ArrayDeque<>();
    try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), body)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        Frame parent = stack.peek();
        switch (token) {
          case PROPERTY_NAME -> {
            String name = parser.currentName();
            if (parent.field != null) {
              if (parent.names == null) {
                parent.names = new java.util.HashSet<>();
                parent.names.add(parent.field);
              }
              if (!parent.names.add(name)) {
                return Optional.of(
                    new Violation(
                        "The JSON body names a member twice",
                        new FieldProblem(
                            parent.path + "." + name,
                            "appears more than once in the same object; which value counts would"
                                + " be a guess: send it once")));
              }
            }
            parent.field = name;
          }
          case START_OBJECT, START_ARRAY -> {
            String path = parent == null ? "$" : parent.childPath();
            if (parent != null && parent.array) {
              parent.elements++;
              if (parent.elements > maxArrayLength) {
                return Optional.of(limit(tooLong(parent.path)));
              }
            }
            if (stack.size() + 1 > maxDepth) {
              return Optional.of(
                  limit(
                      new FieldProblem(
                          path,
                          "nests deeper than "
                              + maxDepth
                              + " levels (setting lattice.limits.max-json-depth)")));
            }
            stack.push(new Frame(token == JsonToken.START_ARRAY, path));
          }
          case END_OBJECT, END_ARRAY -> stack.pop();
          default -> {
            if (parent != null && parent.array) {
              parent.elements++;
              if (parent.elements > maxArrayLength) {
                return Optional.of(limit(tooLong(parent.path)));
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

  private static Violation limit(FieldProblem problem) {
    return new Violation("The JSON body exceeds a structural limit", problem);
  }

  private FieldProblem tooLong(String path) {
    return new FieldProblem(
        path,
        "has more than "
            + maxArrayLength
            + " elements (setting lattice.limits.max-json-array-length)");
  }
}
