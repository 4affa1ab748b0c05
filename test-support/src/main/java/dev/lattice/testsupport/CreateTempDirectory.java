package dev.lattice.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * The build points {@code java.io.tmpdir} into target/ (root pom) but nothing creates that
 * directory; JUnit's {@code @TempDir}, Tomcat and Kafka all need it to exist.
 */
public final class CreateTempDirectory implements LauncherSessionListener {
  @Override
  public void launcherSessionOpened(LauncherSession session) {
    try {
      Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create java.io.tmpdir", e);
    }
  }
}
