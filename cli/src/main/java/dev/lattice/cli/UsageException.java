package dev.lattice.cli;

/** The command line is wrong: an unknown option, a missing or malformed value. Exit code 2. */
public class UsageException extends RuntimeException {
  public UsageException(String message) {
    super(message);
  }
}
