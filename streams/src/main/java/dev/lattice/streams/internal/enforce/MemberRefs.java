package dev.lattice.streams.internal.enforce;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * How the audit names a member: a random reference ({@code mbr-<uuid>}) drawn the first time a
 * decision is made about them, kept in a store keyed by member id. Audit records and the decision
 * index carry only the reference; erasure deletes the mapping, after which nothing links those
 * records to the member any more. One task owns the store; not thread-safe.
 */
public final class MemberRefs {
  /**
   * Prefix of the reverse entries (reference → member) in the same store, so that a replay of an
   * audited decision can find the member's current consent; erasure deletes both directions.
   */
  private static final String REVERSE = "\u0001ref|";

  private final KeyValueStore<String, byte[]> refs;

  public MemberRefs(KeyValueStore<String, byte[]> refs) {
    this.refs = refs;
  }

  /** The member's reference, drawn now when they have none; empty for no member. */
  public String refOf(String member) {
    if (member == null || member.isEmpty()) {
      return "";
    }
    byte[] ref = refs.get(member);
    if (ref != null) {
      return new String(ref, StandardCharsets.UTF_8);
    }
    String drawn = "mbr-" + UUID.randomUUID();
    refs.put(member, drawn.getBytes(StandardCharsets.UTF_8));
    refs.put(REVERSE + drawn, member.getBytes(StandardCharsets.UTF_8));
    return drawn;
  }

  /** Forgets the link between the member and their reference; returns the reference, if any. */
  public Optional<String> forget(String member) {
    byte[] ref = refs.get(member);
    if (ref == null) {
      return Optional.empty();
    }
    refs.delete(member);
    String reference = new String(ref, StandardCharsets.UTF_8);
    refs.delete(REVERSE + reference);
    return Optional.of(reference);
  }

  /** The member's reference, read from a queryable store (the gateway's decision queries). */
  public static Optional<String> lookup(ReadOnlyKeyValueStore<String, byte[]> refs, String member) {
    byte[] ref = refs.get(member);
    return ref == null ? Optional.empty() : Optional.of(new String(ref, StandardCharsets.UTF_8));
  }

  /** The member a reference names, read from a queryable store; empty once erasure forgot it. */
  public static Optional<String> memberOf(
      ReadOnlyKeyValueStore<String, byte[]> refs, String reference) {
    byte[] member = refs.get(REVERSE + reference);
    return member == null
        ? Optional.empty()
        : Optional.of(new String(member, StandardCharsets.UTF_8));
  }
}
