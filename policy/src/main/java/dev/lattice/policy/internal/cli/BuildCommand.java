package dev.lattice.policy.internal.cli;

import dev.lattice.policy.PolicyCommand;
import dev.lattice.policy.Rego;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.bundle.Bundle;
import dev.lattice.policy.bundle.BundleBuilder;
import dev.lattice.policy.bundle.BundleException;
import dev.lattice.policy.bundle.BundleLoader;
import dev.lattice.policy.bundle.SigningKey;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code build <dir> -o bundle.tar.gz [--revision r] [--signing-key file|secret --signing-alg RS256
 * --key-id id]}: checks that the directory compiles, then writes a bundle with a manifest and
 * revision (and a {@code .signatures.json} when a signing key is given).
 */
public final class BuildCommand implements PolicyCommand {
  @Override
  public String name() {
    return "build";
  }

  @Override
  public String summary() {
    return "build <dir> -o bundle.tar.gz [--revision r] [--signing-key k --signing-alg RS256|ES256|HS256 --key-id id]";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    CliArgs a;
    try {
      a =
          CliArgs.parse(
              args,
              Set.of(
                  "-o",
                  "--output",
                  "--revision",
                  "-r",
                  "--signing-key",
                  "--signing-alg",
                  "--key-id",
                  "--scope"),
              Set.of());
      if (a.positional.size() != 1)
        throw new CliArgs.UsageException("name exactly one bundle directory");
      if (a.one("-o", "--output") == null)
        throw new CliArgs.UsageException("-o <bundle.tar.gz> is required");
    } catch (CliArgs.UsageException e) {
      err.println("build: " + e.getMessage());
      err.println("usage: policy " + summary());
      return 2;
    }
    try {
      SigningKey key = null;
      String keyArg = a.one("--signing-key");
      if (keyArg != null) {
        String alg = a.one("--signing-alg") == null ? "RS256" : a.one("--signing-alg");
        String material = keyArg;
        Path keyFile = Path.of(keyArg);
        if (Files.isRegularFile(keyFile)) material = Files.readString(keyFile);
        key =
            new SigningKey(
                a.one("--key-id") == null ? "default" : a.one("--key-id"),
                alg,
                material,
                a.one("--scope"));
      }
      Path dir = Path.of(a.positional.get(0));
      Bundle source = BundleLoader.load(dir);
      Rego.compile(source.modules(), source.data());
      Path outPath = Path.of(a.one("-o", "--output"));
      Bundle built = BundleBuilder.build(dir, outPath, a.one("--revision", "-r"), key);
      out.println(
          "built "
              + outPath
              + " revision="
              + built.revision()
              + " modules="
              + built.modules().size()
              + (built.signed() ? " signed=" + key.algorithm() : ""));
      return 0;
    } catch (BundleException | RegoException e) {
      err.println(e.getMessage());
      return 1;
    } catch (IllegalArgumentException | IOException e) {
      err.println("build: " + e.getMessage());
      return 1;
    }
  }
}
