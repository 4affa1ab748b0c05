package dev.lattice.gateway.topology;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Whether a lock file of Kafka (a broker's log directory) or Kafka Streams (a state directory) is
 * held: how one Lattice instance tells that another runs from the same data directory.
 */
public final class LockFiles {
  private LockFiles() {}

  /** True when another process (or another instance in this JVM) holds the lock. */
  public static boolean heldByAnother(Path lockFile) {
    if (!Files.exists(lockFile)) {
      return false;
    }
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        return true;
      }
      lock.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return true;
    } catch (IOException e) {
      return false; // unreadable: Kafka reports what is wrong with it
    }
  }
}
