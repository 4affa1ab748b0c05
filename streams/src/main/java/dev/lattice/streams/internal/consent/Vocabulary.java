package dev.lattice.streams.internal.consent;

import java.util.Set;

/** The purposes and data categories Lattice knows (docs/decision-contract.md, schemas README). */
public final class Vocabulary {
  public static final Set<String> PURPOSES =
      Set.of("analytics", "personalisation", "marketing", "offers", "sharing", "research");
  public static final Set<String> CATEGORIES =
      Set.of(
          "profile",
          "contact",
          "location",
          "activity",
          "content",
          "purchases",
          "interests",
          "identifiers");

  private Vocabulary() {}
}
