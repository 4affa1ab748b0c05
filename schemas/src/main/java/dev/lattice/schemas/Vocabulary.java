package dev.lattice.schemas;

import java.util.Arrays;
import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The one list of the words consent is made of: purposes, data categories (the ids of {@link
 * DataCategory}) and legal bases (docs/decision-contract.md). Gateway validation, the consent
 * ledger in the topology and the policy's tests read them here; nothing else lists them. Immutable,
 * sorted.
 */
public final class Vocabulary {
  /** What a member's data may be used for. */
  public static final SortedSet<String> PURPOSES =
      sorted("analytics", "marketing", "offers", "personalisation", "research", "sharing");

  /** The categories of personal data ({@link DataCategory#id()}). */
  public static final SortedSet<String> CATEGORIES =
      Collections.unmodifiableSortedSet(
          Arrays.stream(DataCategory.values())
              .map(DataCategory::id)
              .collect(Collectors.toCollection(TreeSet::new)));

  /** The legal bases a grant may name ({@code consent} when none is given). */
  public static final SortedSet<String> LEGAL_BASES =
      sorted("consent", "contract", "legal_obligation", "legitimate_interest");

  private Vocabulary() {}

  public static boolean isPurpose(String s) {
    return s != null && PURPOSES.contains(s);
  }

  public static boolean isCategory(String s) {
    return s != null && CATEGORIES.contains(s);
  }

  /** The longest offer category a consent grant may name. */
  public static final int OFFER_CATEGORY_MAX_LENGTH = 64;

  /**
   * Whether {@code s} can name an offer category in a grant of the {@code offers} purpose. Offer
   * categories are the brands' own words ({@code outdoor}, {@code books}), not data categories, so
   * only their shape is checked: 1 to {@link #OFFER_CATEGORY_MAX_LENGTH} characters, no control
   * characters, no surrounding white space (the policy compares them exactly with the offer's
   * {@code category}).
   */
  public static boolean isOfferCategory(String s) {
    return s != null
        && !s.isEmpty()
        && s.length() <= OFFER_CATEGORY_MAX_LENGTH
        && s.strip().equals(s)
        && s.codePoints().noneMatch(Character::isISOControl);
  }

  /** The purpose whose grant categories are offer categories rather than data categories. */
  public static final String OFFERS = "offers";

  public static boolean isLegalBasis(String s) {
    return s != null && LEGAL_BASES.contains(s);
  }

  private static SortedSet<String> sorted(String... words) {
    return Collections.unmodifiableSortedSet(new TreeSet<>(Set.of(words)));
  }
}
