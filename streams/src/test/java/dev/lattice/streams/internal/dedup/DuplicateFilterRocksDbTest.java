package dev.lattice.streams.internal.dedup;

/**
 * Every case of {@link DuplicateFilterTest} on a RocksDB store, as deployed: the sweep's ranges
 * with an open end and its resumption key behave as on the in-memory store.
 */
class DuplicateFilterRocksDbTest extends DuplicateFilterTest {
  @Override
  boolean persistentStore() {
    return true;
  }
}
