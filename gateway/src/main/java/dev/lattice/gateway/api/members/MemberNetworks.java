package dev.lattice.gateway.api.members;

import dev.lattice.gateway.events.EventPublisher;
import dev.lattice.gateway.events.TopicTail;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.streams.LatticeStreams;
import dev.lattice.streams.MemberActivity;
import dev.lattice.streams.StateNotQueryableException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which networks a member belongs to. A member belongs to a network once that network sent an event
 * or a consent for them. Kept in Kafka, so that every instance of a cluster answers alike without
 * reading another instance's stores:
 *
 * <ul>
 *   <li>the compacted topic {@code lattice.memberships} (key {@code <network>|<member>}, value the
 *       first-seen instant), followed by every instance. The gateway writes it when it accepts an
 *       event or a consent command naming a source network (so a member joins on the very call that
 *       made them a member, with read-your-writes); the topology writes it when it first sees the
 *       member in a network, which also covers events written to the ingest topics directly,
 *       without the gateway;
 *   <li>the topology's member-activity store (Kafka Streams interactive query), read only when this
 *       instance hosts the member: the networks whose events it processed for the member, for
 *       activity older than the topology's records in the topic. Where another instance hosts the
 *       member (or the state is moving), the topic alone answers: a membership check never fails
 *       for want of another instance's state.
 * </ul>
 *
 * Erasure {@link #forget forgets} the member: tombstones for every membership record, and an
 * erasure marker (key {@code *erased*|<member>}, value the instant): a membership first seen, or
 * activity recorded, before that instant no longer makes the member belong anywhere, in whatever
 * order the records arrive. A network that sends an event or a consent for the member afterwards
 * makes them its member again.
 *
 * <p>Thread-safe.
 */
public final class MemberNetworks implements AutoCloseable {

  private static final Logger LOGGER = LoggerFactory.getLogger(MemberNetworks.class);
  private static final char SEP = '|';
  private static final String ERASED = "*erased*";

  // member -> network -> first seen
  private final Map<String, Map<String, Instant>> byMember = new ConcurrentHashMap<>();
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
                remember(member, network, instant(record.value()));
              }
            });
    tail.start();
  }

  /** Every network the member belongs to (sorted). */
  public Set<String> networksOf(String memberId) {
    Set<String> networks = new TreeSet<>();
    Instant erased = erasedAt.get(memberId);
    byMember
        .getOrDefault(memberId, Map.of())
        .forEach(
            (network, since) -> {
              if (afterErasure(since, erased)) {
                networks.add(network);
              }
            });
    networks.addAll(activeSinceErasure(memberId));
    return networks;
  }

  /** True when the member belongs to {@code networkId}. */
  public boolean belongs(String memberId, String networkId) {
    Map<String, Instant> recorded = byMember.get(memberId);
    Instant since = recorded == null ? null : recorded.get(networkId);
    if (since != null && afterErasure(since, erasedAt.get(memberId))) {
      return true;
    }
    return activeSinceErasure(memberId).contains(networkId);
  }

  /** Keeps the latest record of a membership: a joining again after an erasure counts. */
  private void remember(String memberId, String networkId, Instant since) {
    byMember
        .computeIfAbsent(memberId, m -> new ConcurrentHashMap<>())
        .merge(networkId, since, (a, b) -> a.isAfter(b) ? a : b);
  }

  private static boolean afterErasure(Instant since, Instant erased) {
    return erased == null || since.isAfter(erased);
  }

  /**
   * The networks this instance's topology saw the member in, after their erasure if they were
   * erased; empty when another instance hosts the member or the state is moving (the topic has
   * every membership the topology saw since it records them).
   */
  private Set<String> activeSinceErasure(String memberId) {
    Instant erased = erasedAt.get(memberId);
    Set<String> networks = new TreeSet<>();
    Optional<MemberActivity> activity;
    try {
      activity = streams.activity(memberId);
    } catch (StateNotQueryableException e) {
      return networks;
    }
    activity
        .map(MemberActivity::networks)
        .ifPresent(
            seen ->
                seen.forEach(
                    (network, last) -> {
                      if (afterErasure(last, erased)) {
                        networks.add(network);
                      }
                    }));
    return networks;
  }

  private static Instant instant(byte[] value) {
    try {
      return Instant.parse(new String(value, StandardCharsets.UTF_8));
    } catch (java.time.format.DateTimeParseException e) {
      // not written by Lattice: counts until the member is erased
      return Instant.EPOCH;
    }
  }

  /**
   * Records that {@code networkId} sent an event or a consent for the member. Writes to Kafka only
   * the first time (this instance's view already holding the membership makes it a no-op).
   */
  public void join(String memberId, String networkId) {
    if (memberId == null || networkId == null || memberId.isBlank() || networkId.isBlank()) {
      return;
    }
    Map<String, Instant> recorded = byMember.get(memberId);
    Instant since = recorded == null ? null : recorded.get(networkId);
    if (since != null && afterErasure(since, erasedAt.get(memberId))) {
      return;
    }
    Instant now = clock.instant();
    publisher.publish(
        TopicCatalogue.MEMBERSHIPS.name(),
        networkId + SEP + memberId,
        now.toString().getBytes(StandardCharsets.UTF_8));
    remember(memberId, networkId, now);
    LOGGER.debug("Member joined network={}", networkId);
  }

  /**
   * Erasure: tombstones every membership record of the member, waiting for this view to apply them.
   */
  public void forget(String memberId) {
    Instant now = clock.instant();
    Set<String> recorded = byMember.getOrDefault(memberId, Map.of()).keySet();
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
