package dev.lattice.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code lattice test}: runs the whole test suite of a Lattice source checkout ({@code ./mvnw -B
 * verify}), from the current directory or one above it. The {@code ./lattice} script runs the same
 * command itself, before building the jar, so that tests never wait for an application build.
 */
@Command(
    name = "test",
    header = "run every test of the source checkout (./mvnw -B verify)",
    mixinStandardHelpOptions = true,
    description = {
      "Runs every test of the Lattice source checkout that contains the current directory:",
      "./mvnw -B verify [<maven arguments>...], e.g. lattice test -pl policy -am.",
      "Exits with Maven's status."
    })
public final class TestCommand implements Callable<Integer> {
  private final CommandIo io;

  /** Passed to Maven as they are. */
  @Unmatched List<String> mavenArguments = new ArrayList<>();

  TestCommand(CommandIo io) {
    this.io = io;
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    Path start = Path.of("").toAbsolutePath();
    Path root = checkout(start);
    if (root == null) {
      io.err()
          .println(
              "lattice test: "
                  + start
                  + " is not inside a Lattice source checkout (no mvnw next to a pom.xml of"
                  + " lattice-parent)");
      return LatticeCommand.FAILED;
    }
    List<String> command = new ArrayList<>(List.of(root.resolve("mvnw").toString(), "-B"));
    command.add("verify");
    command.addAll(mavenArguments);
    return new ProcessBuilder(command).directory(root.toFile()).inheritIO().start().waitFor();
  }

  /** The nearest directory at or above {@code dir} holding Lattice's root POM and mvnw. */
  static Path checkout(Path dir) throws IOException {
    for (Path d = dir; d != null; d = d.getParent()) {
      Path pom = d.resolve("pom.xml");
      if (Files.isExecutable(d.resolve("mvnw"))
          && Files.isRegularFile(pom)
          && Files.readString(pom).contains("<artifactId>lattice-parent</artifactId>")) {
        return d;
      }
    }
    return null;
  }
}
