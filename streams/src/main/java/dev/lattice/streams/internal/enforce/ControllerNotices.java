package dev.lattice.streams.internal.enforce;

import dev.lattice.schemas.avro.NoticeRecord;
import dev.lattice.streams.internal.codec.AvroCodec;
import dev.lattice.streams.internal.codec.Outbound;
import dev.lattice.streams.internal.network.NetworkDirectory;
import dev.lattice.streams.internal.network.NetworkRules;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the members of a network that changed hands: one {@link NoticeRecord} per member and
 * transfer on {@code lattice.notices} (key = member id), saying who the new controller is, that
 * consent given to the previous one does not cover it until re-confirmed, and where to object.
 *
 * <p>Exactly once per member: a task owns its members (the memberships store is keyed by member
 * partition), and it records each transfer it has notified ({@code network|transfer id}) in its own
 * changelogged store in the same transaction as the notices. A retry, a restart or a rebalance
 * finds the marker and writes nothing again; a transfer record read twice has the same id. Members
 * who are first seen in the network after the task notified a transfer get no notice for it (they
 * joined under the new controller). One task; not thread-safe.
 */
final class ControllerNotices {
  private static final Logger LOGGER = LoggerFactory.getLogger(ControllerNotices.class);
  private static final AvroCodec<NoticeRecord> NOTICES = AvroCodec.of(NoticeRecord.class);
  private static final char SEP = '\u0000';
  static final String CONTROLLER_CHANGED = "controller_changed";

  private final NetworkDirectory networks;
  private final MemberHistory history;
  private final KeyValueStore<String, Long> notified;
  private final String topic;
  private final Emitter emitter;

  ControllerNotices(
      NetworkDirectory networks,
      MemberHistory history,
      KeyValueStore<String, Long> notified,
      String topic,
      Emitter emitter) {
    this.networks = networks;
    this.history = history;
    this.notified = notified;
    this.topic = topic;
    this.emitter = emitter;
  }

  /** Notifies this task's members of every transfer it has not notified yet. */
  void notifyTransfers(Instant now) {
    for (NetworkRules network : List.copyOf(networks.all())) {
      NetworkRules.Controller c = network.controller();
      if (c == null || !c.transferred()) {
        continue;
      }
      String marker = network.networkId() + SEP + c.transferId();
      if (notified.get(marker) != null) {
        continue;
      }
      int count = 0;
      for (String member : history.membersOf(network.networkId())) {
        emitter.emit(
            new Outbound(
                topic,
                Outbound.key(member),
                NOTICES.encode(notice(network.networkId(), c, member, now))));
        count++;
      }
      notified.put(marker, now.toEpochMilli());
      LOGGER.info(
          "controller change notified networkId={} transferId={} members={}",
          network.networkId(),
          c.transferId(),
          count);
    }
  }

  static NoticeRecord notice(
      String network, NetworkRules.Controller c, String member, Instant now) {
    String newController =
        c.brand() == null ? c.organisation() : c.organisation() + " (brand " + c.brand() + ")";
    String message =
        "Network "
            + network
            + " is now controlled by "
            + newController
            + " instead of "
            + c.previous()
            + ", since "
            + c.since()
            + ". Consent you gave to "
            + c.previous()
            + " does not cover "
            + c.organisation()
            + " or its brands until you confirm it again; nothing is shared with them until then."
            + " To object or ask, contact "
            + (c.privacyContact() == null ? "the network" : c.privacyContact())
            + ".";
    return NoticeRecord.newBuilder()
        .setNoticeId(
            "ntc-"
                + UUID.nameUUIDFromBytes(
                    (network + SEP + c.transferId() + SEP + member)
                        .getBytes(StandardCharsets.UTF_8)))
        .setMemberId(member)
        .setNetworkId(network)
        .setKind(CONTROLLER_CHANGED)
        .setTransferId(c.transferId())
        .setPreviousController(c.previous())
        .setNewController(c.organisation())
        .setNewControllerBrand(c.brand())
        .setPrivacyContact(c.privacyContact())
        .setEffectiveAt(c.since())
        .setMessage(message)
        .setCreatedAt(now)
        .build();
  }
}
