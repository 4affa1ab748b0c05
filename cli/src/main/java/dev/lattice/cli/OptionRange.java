package dev.lattice.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The range check of a numeric option, with the usage error every command gives. */
final class OptionRange {
  private OptionRange() {}

  /**
   * {@code value} when it is within [min, max]; otherwise a usage error of the command in {@code
   * spec} naming the option, the accepted range and the value given.
   */
  static int within(CommandSpec spec, String option, int value, int min, int max) {
    if (value >= min && value <= max) {
      return value;
    }
    throw new ParameterException(
        spec.commandLine(),
        option + " must be a number from " + min + " to " + max + ", was '" + value + "'");
  }
}
