package dev.lattice.gateway.topology;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where this instance keeps its Kafka Streams state. Instances may share a data directory (a second
 * {@code ./lattice serve} started from the same folder with another port: the generated secrets
 * there are then the same for both, as a cluster needs), but never a state directory, which Kafka
 * Streams locks: the first instance uses {@code <data>/streams/state}, an instance finding it
 * locked by another uses {@code <data>/streams/state-<port>}.
 */
final class StateDirectory {
  private static final Logger LOGGER = LoggerFactory.getLogger(StateDirectory.class);

  /** The file Kafka Streams locks in {@code <state.dir>/<application.id>}. */
  private static final String LOCK_FILE = ".lock";

  private StateDirectory() {}

  /**
   * @param port this instance's HTTP port (0: a random one; the process id names the directory)
   */
  static Path of(Path streamsDir, String applicationId, int port) {
    Path shared = streamsDir.resolve("state");
    if (!LockFiles.heldByAnother(shared.resolve(applicationId).resolve(LOCK_FILE))) {
      return shared;
    }
    Path own =
        streamsDir.resolve("state-" + (port > 0 ? port : "pid" + ProcessHandle.current().pid()));
    LOGGER.warn(
        "Another Lattice instance uses this data directory's Kafka Streams state ({}); this one keeps"
            + " its own in {} (give each instance its own --data-dir to keep them apart)",
        shared,
        own);
    return own;
  }
}
