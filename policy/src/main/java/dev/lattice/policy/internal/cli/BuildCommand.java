package dev.lattice.policy.internal.cli;

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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code build <dir> -o bundle.tar.gz [--revision r] [--signing-key file|secret --signing-alg RS256
 * --key-id id]}: checks that the directory compiles, then writes a bundle with a manifest and
 * revision (and a {@code .signatures.json} when a signing key is given).
 */
@Command(
    name = "build",
    header = "build a bundle .tar.gz (optionally signed) from a directory",
    mixinStandardHelpOptions = true,
    description = {
      "Checks that the bundle directory compiles, then writes a bundle (.tar.gz) with a manifest and",
      "revision, and a .signatures.json when a signing key is given."
    },
    footer = {
      "",
      "Exit codes: 0 built, 1 the directory does not compile or cannot be written, 2 usage error."
    })
public final class BuildCommand implements Callable<Integer> {
  private final CommandStreams io;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "<bundle.tar.gz>",
      required = true,
      description = "the bundle to write")
  Path output;

  @Option(
      names = {"-r", "--revision"},
      paramLabel = "<revision>",
      description = "the manifest's revision (default: the directory's, else a content hash)")
  String revision;

  @Option(
      names = "--signing-key",
      paramLabel = "<file|secret>",
      description = "sign the bundle with this key: a PEM file, or an HMAC secret")
  String signingKey;

  @Option(
      names = "--signing-alg",
      paramLabel = "<alg>",
      description = "RS256 (default), ES256 or HS256")
  String signingAlg = "RS256";

  @Option(
      names = "--key-id",
      paramLabel = "<id>",
      description = "the key id in the signature (default ${DEFAULT-VALUE})")
  String keyId = "default";

  @Option(names = "--scope", paramLabel = "<scope>", description = "the signature's scope")
  String scope;

  @Parameters(index = "0", paramLabel = "<dir>", description = "the bundle directory")
  Path dir;

  public BuildCommand(CommandStreams io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    PrintStream out = io.out();
    PrintStream err = io.err();
    try {
      SigningKey key = null;
      if (signingKey != null) {
        String material = signingKey;
        Path keyFile = Path.of(signingKey);
        if (Files.isRegularFile(keyFile)) material = Files.readString(keyFile);
        key = new SigningKey(keyId, signingAlg, material, scope);
      }
      Bundle source = BundleLoader.load(dir);
      Rego.compile(source.modules(), source.data());
      Path outPath = output;
      Bundle built = BundleBuilder.build(dir, outPath, revision, key);
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
