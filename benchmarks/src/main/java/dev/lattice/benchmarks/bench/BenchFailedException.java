package dev.lattice.benchmarks.bench;

/**
 * The benchmark could not complete: Kafka did not answer, a topology stopped, or a phase timed out.
 */
public class BenchFailedException extends RuntimeException {
  public BenchFailedException(String message) {
    super(message);
  }

  public BenchFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
