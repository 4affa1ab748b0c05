package dev.lattice.streams;

import java.time.Instant;
import java.util.Map;

/**
 * What the topology has seen of a member: the networks it was seen in (with the last time), how
 * many of its events were processed, and when the last one was.
 */
public record MemberActivity(
    String memberId, Map<String, Instant> networks, long events, Instant lastSeen) {
  public MemberActivity {
    networks = Map.copyOf(networks);
  }
}
