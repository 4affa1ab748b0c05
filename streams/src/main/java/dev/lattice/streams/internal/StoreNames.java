package dev.lattice.streams.internal;

/** State store names (also the names the gateway queries through {@code LatticeStreams}). */
public final class StoreNames {
  public static final String CONSENT = "lattice-consent";
  public static final String MEMBER_KEYS = "lattice-member-keys";
  public static final String PURCHASES = "lattice-purchases";
  public static final String OFFER_DELIVERIES = "lattice-offer-deliveries";
  public static final String MEMBERSHIPS = "lattice-memberships";
  public static final String ACTIVITY = "lattice-member-activity";

  /** The decision index (by event and by member, one changelog; see {@code DecisionLog}). */
  public static final String DECISIONS = "lattice-decisions";

  public static final String MEMBER_REFS = "lattice-member-refs";
  public static final String NETWORKS = "lattice-networks";
  public static final String BUNDLES = "lattice-bundles";
  public static final String INSIGHT_CELLS = "lattice-insight-cells";
  public static final String PRIVACY_BUDGET = "lattice-privacy-budget";
  public static final String INSIGHT_CONTRIBUTIONS = "lattice-insight-contributions";
  public static final String SEEN_EVENTS = "lattice-seen-events";
  public static final String SEEN_OFFERS = "lattice-seen-offers";
  public static final String CONTROLLER_NOTICES = "lattice-controller-notices";

  private StoreNames() {}
}
