package dev.lattice.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The input document of {@code data.lattice.decision} (docs/decision-contract.md), as plain data.
 * {@link #toMap()} gives the JSON-like map the policy evaluates. {@code event}, {@code consent} and
 * {@code context} are free-form documents (snake_case keys); the builder helps fill the usual
 * fields.
 *
 * @param event the event: id, type, purpose, source_network, member_id, payload, fields, ...
 * @param consent the member's consent state; absent consent is {@code {member_id, version: 0,
 *     purposes: {}}}
 * @param sourceNetwork the network the event comes from
 * @param destination where it would go (with its controller, when known)
 * @param context now, now_ns, counters, purchases, aggregate
 * @param sourceControl who controls the source network and since when; {@link
 *     SourceControl#UNKNOWN} when no controller is recorded
 */
public record DecisionInput(
    Map<String, Object> event,
    Map<String, Object> consent,
    String sourceNetwork,
    Destination destination,
    Map<String, Object> context,
    SourceControl sourceControl) {

  /**
   * Who controls the source network: the organisation id, the brand when the network is brand-built
   * or brand-owned, since when (the last transfer; null when it never changed hands) and the
   * previous controller (null when it never changed hands).
   */
  public record SourceControl(String controller, String brand, Instant since, String previous) {
    /** No controller recorded. */
    public static final SourceControl UNKNOWN = new SourceControl(null, null, null, null);
  }

  /** An input without controllers (the source network's controller is not known). */
  public DecisionInput(
      Map<String, Object> event,
      Map<String, Object> consent,
      String sourceNetwork,
      Destination destination,
      Map<String, Object> context) {
    this(event, consent, sourceNetwork, destination, context, SourceControl.UNKNOWN);
  }

  /** Kind of destination. */
  public enum Kind {
    NETWORK,
    BRAND;

    // Computed once: the topology asks for it several times per decision (audit, ids, topics).
    private final String wireName = name().toLowerCase(java.util.Locale.ROOT);

    public String wireName() {
      return wireName;
    }
  }

  /**
   * A destination: a partner network or a brand, with the organisation that controls it (null when
   * not known).
   */
  public record Destination(Kind kind, String id, String controller) {
    public Destination {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(id, "id");
    }

    public Destination(Kind kind, String id) {
      this(kind, id, null);
    }

    /** The same destination, controlled by {@code controller}. */
    public Destination controlledBy(String controller) {
      return new Destination(kind, id, controller);
    }

    public static Destination network(String id) {
      return new Destination(Kind.NETWORK, id);
    }

    public static Destination brand(String id) {
      return new Destination(Kind.BRAND, id);
    }

    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", kind.wireName());
      m.put("id", id);
      if (controller != null) {
        m.put("controller", controller);
      }
      return m;
    }
  }

  public DecisionInput {
    event = event == null ? Map.of() : event;
    context = context == null ? Map.of() : context;
    sourceControl = sourceControl == null ? SourceControl.UNKNOWN : sourceControl;
    Objects.requireNonNull(destination, "destination");
  }

  /** The consent document of a member who has given none. */
  public static Map<String, Object> noConsent(String memberId) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("member_id", memberId);
    m.put("version", 0);
    m.put("purposes", Map.of());
    return m;
  }

  /**
   * The JSON-like input map: {@code {event, consent, source_network: {id, controller,
   * controller_brand, controller_since, previous_controller}, destination: {kind, id, controller},
   * context}}.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("event", event);
    Object memberId = event.get("member_id");
    m.put(
        "consent",
        consent != null ? consent : noConsent(memberId == null ? null : memberId.toString()));
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("id", sourceNetwork);
    source.put("controller", sourceControl.controller());
    source.put("controller_brand", sourceControl.brand());
    source.put(
        "controller_since",
        sourceControl.since() == null ? null : sourceControl.since().toString());
    source.put("previous_controller", sourceControl.previous());
    m.put("source_network", source);
    m.put("destination", destination.toMap());
    m.put("context", context);
    return m;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Mutable builder; not thread-safe. */
  public static final class Builder {
    private Map<String, Object> event = new LinkedHashMap<>();
    private Map<String, Object> consent;
    private String sourceNetwork;
    private SourceControl sourceControl = SourceControl.UNKNOWN;
    private Destination destination;
    private final Map<String, Object> context = new LinkedHashMap<>();
    private final Map<String, Object> counters = new LinkedHashMap<>();
    private final List<Object> purchases = new ArrayList<>();

    private Builder() {}

    /** The whole event document (replaces what was set before). */
    public Builder event(Map<String, Object> event) {
      this.event = new LinkedHashMap<>(event);
      return this;
    }

    /** One top-level event field, e.g. {@code eventField("type", "offer")}. */
    public Builder eventField(String name, Object value) {
      this.event.put(name, value);
      return this;
    }

    public Builder consent(Map<String, Object> consent) {
      this.consent = consent;
      return this;
    }

    /** Also sets {@code event.source_network} when the event has none. */
    public Builder sourceNetwork(String sourceNetwork) {
      this.sourceNetwork = sourceNetwork;
      return this;
    }

    /** Who controls the source network. */
    public Builder sourceControl(SourceControl sourceControl) {
      this.sourceControl = sourceControl;
      return this;
    }

    public Builder destination(Destination destination) {
      this.destination = destination;
      return this;
    }

    public Builder toNetwork(String networkId) {
      return destination(Destination.network(networkId));
    }

    public Builder toBrand(String brandId) {
      return destination(Destination.brand(brandId));
    }

    /** Sets {@code context.now} (RFC 3339) and {@code context.now_ns}. */
    public Builder now(Instant now) {
      context.put("now", now.toString());
      context.put("now_ns", now.getEpochSecond() * 1_000_000_000L + now.getNano());
      return this;
    }

    public Builder counter(String name, long value) {
      counters.put(name, value);
      return this;
    }

    public Builder purchase(String sku, String brandId, Instant at) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("sku", sku);
      p.put("brand_id", brandId);
      p.put("at", at.toString());
      purchases.add(p);
      return this;
    }

    /** For insights: the smallest cell count of the aggregate. */
    public Builder aggregateCount(long count) {
      context.put("aggregate", Map.of("count", count));
      return this;
    }

    /** Any other context entry. */
    public Builder context(String name, Object value) {
      context.put(name, value);
      return this;
    }

    public DecisionInput build() {
      if (sourceNetwork != null) event.putIfAbsent("source_network", sourceNetwork);
      Map<String, Object> ctx = new LinkedHashMap<>(context);
      if (!counters.isEmpty() || !ctx.containsKey("counters"))
        ctx.put("counters", new LinkedHashMap<>(counters));
      if (!purchases.isEmpty() || !ctx.containsKey("purchases"))
        ctx.put("purchases", new ArrayList<>(purchases));
      return new DecisionInput(event, consent, sourceNetwork, destination, ctx, sourceControl);
    }
  }
}
