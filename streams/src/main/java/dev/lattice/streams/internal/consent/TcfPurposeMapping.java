package dev.lattice.streams.internal.consent;

import com.iabtcf.decoder.TCString;
import com.iabtcf.exceptions.TCStringDecodeException;
import com.iabtcf.utils.IntIterable;
import dev.lattice.policy.ReasonCodes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps an IAB TCF v2.2 consent string to Lattice purposes. The table (documented in
 * streams/README.md) is deliberately conservative: a Lattice purpose counts as granted only when
 * the member consented to <em>every</em> TCF purpose mapped to it; legitimate-interest signals
 * never grant anything; purposes with no TCF counterpart ({@code sharing}) are left untouched by a
 * TCF import.
 *
 * <pre>
 *   Lattice purpose   TCF v2.2 purposes (all required)
 *   offers            2  use limited data to select advertising
 *   marketing         3  create profiles for personalised advertising, 4 use profiles to select it
 *   personalisation   5  create content profiles, 6 use them, 11 limited data to select content
 *   analytics         7  measure advertising performance, 8 measure content performance
 *   research          9  understand audiences through statistics, 10 develop and improve services
 * </pre>
 */
public final class TcfPurposeMapping {
  public static final Map<String, Set<Integer>> TABLE = table();

  private TcfPurposeMapping() {}

  private static Map<String, Set<Integer>> table() {
    Map<String, Set<Integer>> t = new LinkedHashMap<>();
    t.put("offers", Set.of(2));
    t.put("marketing", Set.of(3, 4));
    t.put("personalisation", Set.of(5, 6, 11));
    t.put("analytics", Set.of(7, 8));
    t.put("research", Set.of(9, 10));
    return Map.copyOf(t);
  }

  /** The decoded string: which Lattice purposes it grants and when the member last updated it. */
  public record TcfConsent(
      Map<String, Boolean> purposes,
      boolean preciseGeolocation,
      Instant lastUpdated,
      int policyVersion) {}

  /**
   * Decodes and maps a TCF string.
   *
   * @throws InvalidConsentCommandException with code {@code tcf.malformed} or {@code
   *     tcf.unsupported_version}
   */
  public static TcfConsent decode(String tcString) {
    if (tcString == null || tcString.isBlank()) {
      throw new InvalidConsentCommandException(
          ReasonCodes.TCF_MALFORMED, "TCF consent string is empty");
    }
    TCString decoded;
    try {
      decoded = TCString.decode(tcString.trim());
      // The decoder is lazy: touch the fields we need so that a truncated string fails here.
      decoded.getPurposesConsent().toStream().count();
      decoded.getLastUpdated();
    } catch (TCStringDecodeException | IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new InvalidConsentCommandException(
          ReasonCodes.TCF_MALFORMED, "TCF consent string cannot be decoded: " + e.getMessage());
    } catch (RuntimeException e) {
      throw new InvalidConsentCommandException(
          ReasonCodes.TCF_MALFORMED,
          "TCF consent string cannot be decoded: " + e.getClass().getSimpleName());
    }
    if (decoded.getVersion() != 2) {
      throw new InvalidConsentCommandException(
          ReasonCodes.TCF_UNSUPPORTED_VERSION,
          "TCF consent string has version "
              + decoded.getVersion()
              + "; Lattice reads TCF v2 (2.2)");
    }
    IntIterable consented = decoded.getPurposesConsent();
    Map<String, Boolean> purposes = new LinkedHashMap<>();
    for (Map.Entry<String, Set<Integer>> e : TABLE.entrySet()) {
      purposes.put(e.getKey(), e.getValue().stream().allMatch(consented::contains));
    }
    // Special feature 1 = use precise geolocation data.
    boolean geo = decoded.getSpecialFeatureOptIns().contains(1);
    return new TcfConsent(
        Map.copyOf(purposes), geo, decoded.getLastUpdated(), decoded.getTcfPolicyVersion());
  }

  public static List<String> mappedPurposes() {
    return List.copyOf(TABLE.keySet());
  }
}
