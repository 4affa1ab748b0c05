package dev.lattice.cli;

import java.io.PrintStream;
import java.util.function.Function;

/**
 * What a command writes to and reads from its process: standard output and error, and the
 * environment ({@code KAFKA_BOOTSTRAP_SERVERS}, ...). Tests pass their own.
 *
 * @param out standard output: the command's results
 * @param err standard error: progress, usage errors and failures
 * @param environment environment variables by name; null when unset
 */
public record CommandIo(PrintStream out, PrintStream err, Function<String, String> environment) {

  /** The process's own streams and environment. */
  public static CommandIo system() {
    return new CommandIo(System.out, System.err, System::getenv);
  }
}
