package dev.lattice.gateway.api.members;

import dev.lattice.gateway.events.EventPublisher;
import dev.lattice.gateway.events.TopicTail;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.streams.LatticeStreams;
import dev.lattice.streams.MemberActivity;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which networks a member belongs to. A member belongs to a network once that network sent an event
 * or a consent for them. Two sources, both kept in Kafka:
 *
 * <ul>
 *   <li>the compacted topic {@code lattice.memberships} (key {@code <network>|<member>}, value the
 *       first-seen instant), written by the gateway when it accepts an event or a consent command
 *       naming a source network, followed by every instance (so a member joins on the very call
 *       that made them a member, with read-your-writes);
 *   <li>the topology's member-activity store (Kafka Streams interactive query): the networks whose
 *       events the topology has processed for the member, which also covers events written to the
 *       ingest topics directly, without the gateway.
 * </ul>
 *
 * Erasure {@link #forget forgets} the member: tombstones for every membership record, and an
 * erasure marker (key {@code *erased*|<member>}, value the instant): activity the topology recorded
 * before that instant no longer makes the member belong anywhere. A network that sends an event or
 * a consent for the member afterwards makes them its member again.
 *
 * <p>Thread-safe.
 */
public final class MemberNetworks implements AutoCloseable {

  private static final Logger LOGGER = LoggerFactory.getLogger(MemberNetworks.class);
  private static final char SEP = '|';
  private static final String ERASED = "*erased*";

  private final Map<String, Set<String>> byMember = new ConcurrentHashMap<>();
  private final Map<String, Instant> erasedAt = new ConcurrentHashMap<>();
  private final TopicTail tail;
  private final EventPublisher publisher;
  private final LatticeStreams streams;
  private final Clock clock;

  public MemberNetworks(
      Map<String, Object> clientProperties,
      EventPublisher publisher,
      LatticeStreams streams,
      Clock clock) {
    this.publisher = publisher;
    this.streams = streams;
    this.clock = clock;
    this.tail =
        new TopicTail(
            TopicCatalogue.MEMBERSHIPS.name(),
            clientProperties,
            record -> {
              String key = record.key();
              int at = key == null ? -1 : key.indexOf(SEP);
              if (at <= 0) {
                return;
              }
              String network = key.substring(0, at);
              String member = key.substring(at + 1);
              if (network.equals(ERASED)) {
                if (record.value() == null) {
                  erasedAt.remove(member);
                } else {
                  erasedAt.put(
                      member, Instant.parse(new String(record.value(), StandardCharsets.UTF_8)));
                }
              } else if (record.value() == null) {
                byMember.computeIfPresent(
                    member,
                    (m, networks) -> {
                      networks.remove(network);
                      return networks.isEmpty() ? null : networks;
                    });
              } else {
                byMember.computeIfAbsent(member, m -> ConcurrentHashMap.newKeySet()).add(network);
              }
            });
    tail.start();
  }

  /** Every network the member belongs to (sorted). */
  public Set<String> networksOf(String memberId) {
    Set<String> networks = new TreeSet<>(byMember.getOrDefault(memberId, Set.of()));
    networks.addAll(activeSinceErasure(memberId));
    return networks;
  }

  /** True when the member belongs to {@code networkId}. */
  public boolean belongs(String memberId, String networkId) {
    Set<String> recorded = byMember.get(memberId);
    if (recorded != null && recorded.contains(networkId)) {
      return true;
    }
    return activeSinceErasure(memberId).contains(networkId);
  }

  /** The networks the topology saw the member in, after their erasure if they were erased. */
  private Set<String> activeSinceErasure(String memberId) {
    Instant erased = erasedAt.get(memberId);
    Set<String> networks = new TreeSet<>();
    streams
        .activity(memberId)
        .map(MemberActivity::networks)
        .ifPresent(
            seen ->
                seen.forEach(
                    (network, last) -> {
                      if (erased == null || last.isAfter(erased)) {
                        networks.add(network);
                      }
                    }));
    return networks;
  }

  /**
   * Records that {@code networkId} sent an event or a consent for the member. Writes to Kafka only
   * the first time (this instance's view already holding the membership makes it a no-op).
   */
  public void join(String memberId, String networkId) {
    if (memberId == null || networkId == null || memberId.isBlank() || networkId.isBlank()) {
      return;
    }
    Set<String> recorded = byMember.get(memberId);
    if (recorded != null && recorded.contains(networkId)) {
      return;
    }
    publisher.publish(
        TopicCatalogue.MEMBERSHIPS.name(),
        networkId + SEP + memberId,
        clock.instant().toString().getBytes(StandardCharsets.UTF_8));
    byMember.computeIfAbsent(memberId, m -> ConcurrentHashMap.newKeySet()).add(networkId);
    LOGGER.debug("Member joined network={}", networkId);
  }

  /**
   * Erasure: tombstones every membership record of the member, waiting for this view to apply them.
   */
  public void forget(String memberId) {
    Instant now = clock.instant();
    Set<String> recorded = byMember.getOrDefault(memberId, Set.of());
    for (String network : Set.copyOf(recorded)) {
      publisher.publish(TopicCatalogue.MEMBERSHIPS.name(), network + SEP + memberId, null);
    }
    publisher.publish(
        TopicCatalogue.MEMBERSHIPS.name(),
        ERASED + SEP + memberId,
        now.toString().getBytes(StandardCharsets.UTF_8));
    tail.awaitCaughtUp(Duration.ofSeconds(10));
    byMember.remove(memberId);
    erasedAt.put(memberId, now);
  }

  @Override
  public void close() {
    tail.close();
  }
}
