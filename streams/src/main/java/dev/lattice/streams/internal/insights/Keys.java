package dev.lattice.streams.internal.insights;

import static dev.lattice.streams.internal.insights.InsightsProcessor.SEP;

/** Key layout of the insight stores (one place, so queries and the processor agree). */
final class Keys {
  /** Contributions store: member counted in a cell. */
  static final String MEMBER = "m" + SEP;

  /** Contributions store: the cells a member was counted in, per member, brand and UTC day. */
  static final String MEMBER_DAY = "d" + SEP;

  /** Budget store: micro-ε spent per brand, network and UTC day. */
  static final String DAILY = "day" + SEP;

  /** Budget store: micro-ε spent per brand and network for good. */
  static final String LIFETIME = "life" + SEP;

  /** Budget store: cells already evaluated (value: window start). */
  static final String EVALUATED = "eval" + SEP;

  private Keys() {}

  static String member(String cellKey, String memberRef) {
    return memberPrefix(cellKey) + memberRef;
  }

  static String memberPrefix(String cellKey) {
    return MEMBER + cellKey + SEP;
  }

  static String memberDay(String brand, String memberRef, String day) {
    return memberDayPrefix(memberRef) + brand + SEP + day;
  }

  /** Every brand and day of one member (consent changes look at all of them). */
  static String memberDayPrefix(String memberRef) {
    return MEMBER_DAY + memberRef + SEP;
  }

  static String daily(String brand, String network, String day) {
    return DAILY + brand + SEP + network + SEP + day;
  }

  static String lifetime(String brand, String network) {
    return LIFETIME + brand + SEP + network;
  }

  static String evaluated(String insightId) {
    return EVALUATED + insightId;
  }
}
