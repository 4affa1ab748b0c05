package dev.lattice.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code lattice completion}: prints picocli's bash (and zsh) completion script for every command
 * and option, generated from the same command tree that parses the arguments.
 */
@Command(
    name = "completion",
    header = "print a bash completion script for every command and option",
    mixinStandardHelpOptions = true,
    description = {
      "Prints a bash completion script for lattice: its commands, options and option values.",
      "Load it in the current shell with:   source <(./lattice completion)",
      "or install it for every shell:       ./lattice completion > /etc/bash_completion.d/lattice",
      "(zsh: autoload -U +X bashcompinit && bashcompinit, then source it)."
    })
public final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.print(AutoComplete.bash("lattice", spec.root().commandLine()));
    out.flush();
    return LatticeCommand.OK;
  }
}
