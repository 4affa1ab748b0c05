package dev.lattice.gateway.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoryTest {

  @TempDir Path streams;

  @Test
  void anInstanceAloneUsesTheSharedStateDirectory() throws Exception {
    assertThat(StateDirectory.of(streams, "lattice", 8081)).isEqualTo(streams.resolve("state"));

    // a lock file left behind by an instance that stopped is not a lock
    Path lock = Files.createDirectories(streams.resolve("state/lattice")).resolve(".lock");
    Files.createFile(lock);
    assertThat(StateDirectory.of(streams, "lattice", 8081)).isEqualTo(streams.resolve("state"));
  }

  @Test
  void anInstanceFindingTheStateLockedByAnotherUsesItsOwnNamedByItsPort() throws Exception {
    Path lock = Files.createDirectories(streams.resolve("state/lattice")).resolve(".lock");
    Files.createFile(lock);
    try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE);
        FileLock held = channel.lock()) {
      assertThat(StateDirectory.of(streams, "lattice", 8082))
          .isEqualTo(streams.resolve("state-8082"));
      assertThat(StateDirectory.of(streams, "lattice", 0).getFileName().toString())
          .isEqualTo("state-pid" + ProcessHandle.current().pid());
      // another application id has its own lock
      assertThat(StateDirectory.of(streams, "other", 8082)).isEqualTo(streams.resolve("state"));
    }
  }
}
