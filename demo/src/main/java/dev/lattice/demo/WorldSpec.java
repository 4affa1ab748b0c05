package dev.lattice.demo;

/**
 * How big a generated {@link DemoWorld} is. Validated on construction.
 *
 * @param seed every random choice derives from it: the same spec gives the same world
 * @param networks number of networks (the first eight have hand-written characters; more are
 *     numbered copies)
 * @param members number of members
 * @param consentRatio probability in [0, 1] that a member grants a given purpose (offers,
 *     marketing, sharing)
 */
public record WorldSpec(long seed, int networks, int members, double consentRatio) {

  public static final int MAX_NETWORKS = 200;
  public static final int MAX_MEMBERS = 1_000_000;

  public WorldSpec {
    if (networks < 2 || networks > MAX_NETWORKS) {
      throw new IllegalArgumentException(
          "networks must be between 2 and " + MAX_NETWORKS + ", was " + networks);
    }
    if (members < 1 || members > MAX_MEMBERS) {
      throw new IllegalArgumentException(
          "members must be between 1 and " + MAX_MEMBERS + ", was " + members);
    }
    if (!(consentRatio >= 0 && consentRatio <= 1)) {
      throw new IllegalArgumentException(
          "consent ratio must be between 0 and 1, was " + consentRatio);
    }
  }

  /**
   * The demo's world: four small networks, 300 members, two thirds of them consenting to each
   * purpose.
   */
  public static WorldSpec demo() {
    return new WorldSpec(2026L, 4, 300, 0.67);
  }
}
