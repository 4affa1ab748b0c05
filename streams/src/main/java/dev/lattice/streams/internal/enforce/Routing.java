package dev.lattice.streams.internal.enforce;

import dev.lattice.policy.DecisionInput.Destination;
import dev.lattice.schemas.Vocabulary;
import dev.lattice.schemas.avro.ContentEvent;
import dev.lattice.schemas.avro.EventHeader;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.OfferEvent;
import dev.lattice.streams.internal.network.NetworkDirectory;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Finds where an event could go: the candidate destinations the policy is asked about. Member data
 * goes to the source network's partners and subscribed brands; cross-network content to its target
 * networks (registered or not: an unknown destination is the enforcer's audited deny); an offer to
 * every member of its target networks (that this task owns). Events that are malformed or come from
 * an unregistered network are rejected (to be quarantined). Stateless apart from the memberships
 * read through {@link MemberHistory}.
 */
public final class Routing {

  /** The result of routing one member event. */
  public sealed interface Route {
    /** The event cannot be handled: quarantine it with this code and message. */
    record Rejected(String code, String message) implements Route {}

    /** The candidates (possibly none). */
    record Candidates(List<Candidate> candidates) implements Route {}
  }

  private final NetworkDirectory networks;
  private final MemberHistory history;

  public Routing(NetworkDirectory networks, MemberHistory history) {
    this.networks = networks;
    this.history = history;
  }

  /**
   * Routes a member event.
   *
   * @param key the member id the record was routed by
   */
  public Route route(IngestEvent event, String key) {
    String violation = violation(key, event);
    if (violation != null) {
      return new Route.Rejected(Quarantine.SCHEMA_VIOLATION, violation);
    }
    if (!networks.knows(event.sourceNetwork())) {
      return new Route.Rejected(
          Quarantine.UNKNOWN_NETWORK,
          "source network " + event.sourceNetwork() + " is not registered");
    }
    List<Candidate> candidates = new ArrayList<>();
    String member = event.memberId();
    if (event.event() instanceof ContentEvent c && "cross_network".equals(c.getVisibility())) {
      // An unregistered target stays a candidate: the enforcer denies it (destination.unknown).
      for (String target : new TreeSet<>(c.getTargetNetworks())) {
        if (!target.equals(event.sourceNetwork())) {
          candidates.add(new Candidate(Destination.network(target), member));
        }
      }
    } else if (event.event() instanceof MemberDataEvent) {
      for (String partner : networks.partnersOf(event.sourceNetwork())) {
        candidates.add(new Candidate(Destination.network(partner), member));
      }
      networks
          .get(event.sourceNetwork())
          .ifPresent(
              rules ->
                  new TreeSet<>(rules.brandSubscriptions())
                      .forEach(b -> candidates.add(new Candidate(Destination.brand(b), member))));
    }
    return new Route.Candidates(List.copyOf(candidates));
  }

  /** The members of the offer's target networks, one candidate per member and network. */
  public List<Candidate> route(OfferEvent offer) {
    List<Candidate> candidates = new ArrayList<>();
    for (String network : new TreeSet<>(offer.getTargetNetworks())) {
      for (String member : history.membersOf(network)) {
        candidates.add(new Candidate(Destination.network(network), member));
      }
    }
    return candidates;
  }

  private static String violation(String key, IngestEvent event) {
    EventHeader h = event.header();
    if (h.getEventId() == null || h.getEventId().isBlank()) {
      return "header.event_id is empty";
    }
    if (!event.type().equals(h.getEventType())) {
      return "header.event_type is '" + h.getEventType() + "' on a " + event.type() + " topic";
    }
    if (h.getSubjectMember() == null || h.getSubjectMember().isBlank()) {
      return "header.subject_member is required for " + event.type() + " events";
    }
    if (hasControlCharacter(h.getSubjectMember())) {
      // Member ids key the member task's stores, beside its own entries (insight markers start with
      // a control character): such an id could overwrite them.
      return "header.subject_member contains a control character";
    }
    if (!h.getSubjectMember().equals(key)) {
      return "record key must be the subject member id (events of one member stay ordered with its consent)";
    }
    if (event.purpose() != null && !Vocabulary.isPurpose(event.purpose())) {
      return "purpose '" + event.purpose() + "' is not one of " + Vocabulary.PURPOSES;
    }
    if (event.personal() != null && event.sealed() != null) {
      return "an event carries its personal data either in clear or sealed, not both";
    }
    return null;
  }

  private static boolean hasControlCharacter(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }
}
