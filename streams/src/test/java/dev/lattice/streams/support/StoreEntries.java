package dev.lattice.streams.support;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** What tests read of a key-value store as a whole. */
public final class StoreEntries {
  private StoreEntries() {}

  /** How many entries the store holds (by iterating, not by its estimate). */
  public static long count(ReadOnlyKeyValueStore<?, ?> store) {
    long n = 0;
    try (KeyValueIterator<?, ?> it = store.all()) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    return n;
  }
}
