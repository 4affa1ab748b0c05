package dev.lattice.streams.internal.enforce;

import dev.lattice.schemas.DataCategory;
import dev.lattice.schemas.avro.ConsentState;
import dev.lattice.schemas.avro.PurposeGrant;
import dev.lattice.streams.DecisionInputs;
import dev.lattice.streams.internal.obligations.Pseudonymiser;
import java.time.Instant;

/**
 * How a member is named to a brand: never by their id; by the brand's own pseudonym (keyed HMAC,
 * stable for that brand so it can count frequency, unlinkable across brands) and only when the
 * member granted {@code identifiers} to that brand — a current grant that lists the category
 * explicitly and whose recipients are empty (any) or name the brand. Otherwise the brand learns
 * nothing of who the member is. Thread-safe.
 */
public final class BrandIdentity {
  private final Pseudonymiser pseudonymiser;

  public BrandIdentity(Pseudonymiser pseudonymiser) {
    this.pseudonymiser = pseudonymiser;
  }

  /** The member as {@code brand} may see them, or null when it may not know who they are. */
  public String memberFor(String brand, String member, ConsentState consent, Instant now) {
    if (member == null || member.isEmpty() || !mayName(consent, brand, now)) {
      return null;
    }
    return pseudonymiser.pseudonym("brand", brand, member);
  }

  static boolean mayName(ConsentState consent, String brand, Instant now) {
    if (consent == null) {
      return false;
    }
    for (PurposeGrant g : consent.getPurposes().values()) {
      if (DecisionInputs.effective(g, now)
          && g.getCategories().contains(DataCategory.IDENTIFIERS.id())
          && (g.getRecipients().isEmpty() || g.getRecipients().contains(brand))) {
        return true;
      }
    }
    return false;
  }
}
