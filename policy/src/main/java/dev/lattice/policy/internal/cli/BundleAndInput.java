package dev.lattice.policy.internal.cli;

import dev.lattice.policy.bundle.Bundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code --bundle} and {@code --input} options that {@code policy eval} and {@code policy
 * bench} share (a picocli mixin), and how they are read.
 */
final class BundleAndInput {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Option(
      names = {"-b", "--bundle"},
      paramLabel = "<bundle>",
      required = true,
      description = "a bundle directory or .tar.gz; repeat to load several together")
  List<Path> bundles = new ArrayList<>();

  @Option(
      names = {"-i", "--input"},
      paramLabel = "<input.json>",
      description = "the input document (default: none)")
  Path inputFile;

  /** The bundles, combined (their roots must not overlap). */
  Bundle bundle() {
    return Bundles.loadAll(bundles);
  }

  /**
   * The input document, or null without {@code --input}.
   *
   * @throws IOException the file cannot be read
   * @throws tools.jackson.core.JacksonException the file is not JSON
   */
  Object input() throws IOException {
    return inputFile == null ? null : JSON.readValue(Files.readAllBytes(inputFile), Object.class);
  }
}
