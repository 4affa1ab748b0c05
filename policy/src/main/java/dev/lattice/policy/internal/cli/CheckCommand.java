package dev.lattice.policy.internal.cli;

import dev.lattice.policy.PolicyCommand;
import dev.lattice.policy.Rego;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.bundle.Bundle;
import dev.lattice.policy.bundle.BundleException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code check <dir|bundle.tar.gz>...}: loads and compiles; prints each error as {@code
 * file:line:col: code: message} (bundle errors as {@code source:file: problem}); exits 1 on errors.
 */
public final class CheckCommand implements PolicyCommand {
  @Override
  public String name() {
    return "check";
  }

  @Override
  public String summary() {
    return "parse and compile <dir|bundle.tar.gz>...; errors as file:line:col";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    CliArgs a;
    try {
      a = CliArgs.parse(args, Set.of(), Set.of());
      if (a.positional.isEmpty())
        throw new CliArgs.UsageException("name a bundle directory or .tar.gz");
    } catch (CliArgs.UsageException e) {
      err.println("check: " + e.getMessage());
      err.println("usage: policy check <dir|bundle.tar.gz>...");
      return 2;
    }
    try {
      Bundle b = Bundles.loadAll(a.positional.stream().map(Path::of).toList());
      Rego.compile(b.modules(), b.data());
      return 0;
    } catch (BundleException | RegoException e) {
      err.println(e.getMessage());
      return 1;
    }
  }
}
