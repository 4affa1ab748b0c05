package dev.lattice.gateway.api.brands;

import dev.lattice.streams.InsightBudget;
import dev.lattice.streams.InsightSettings;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A brand's insights as the API shows them: the privacy parameters every release was made under,
 * the budget left per network, and the releases (each with the ε it cost and its privacy unit).
 *
 * @param privacy the guarantee and how it is enforced (docs/privacy.md)
 * @param budgets per network in which a cell of the brand was evaluated; empty when none was (or
 *     the topology is not running on this instance)
 * @param releases the published insight records, oldest first, each with {@code epsilon} (what the
 *     cell cost) and {@code privacy_unit}
 */
public record InsightsView(
    String brand, Privacy privacy, List<Budget> budgets, List<JsonNode> releases) {

  /**
   * The budget of the brand in one network: spent and left today (UTC) and for good, in ε; the
   * cells evaluated and the δ they add up to (cells × δ per cell).
   */
  public record Budget(
      String network,
      String day,
      double spentToday,
      double leftToday,
      double dailyLimit,
      double spentLifetime,
      double leftLifetime,
      double lifetimeLimit,
      long cellsToday,
      long cellsLifetime,
      double deltaSpentToday,
      double deltaSpentLifetime) {

    static Budget of(InsightBudget b) {
      return new Budget(
          b.network(),
          b.day(),
          b.spentToday(),
          b.leftToday(),
          b.dailyLimit(),
          b.spentLifetime(),
          b.leftLifetime(),
          b.lifetimeLimit(),
          b.cellsToday(),
          b.cellsLifetime(),
          b.deltaSpentToday(),
          b.deltaSpentLifetime());
    }
  }

  /**
   * @param unit the privacy unit: one member's activity towards the brand in one UTC day
   * @param epsilonPerMemberDay ε: what a brand's insights of one day may reveal about one member
   * @param cellsPerMemberDay L: the most cells one member is counted in per brand and day
   * @param epsilonPerCell ε/L: noise parameter of each cell and what an evaluated cell costs
   * @param deltaPerCell δ per evaluated cell (a member-day's δ is at most L·δ)
   * @param releaseThreshold τ: the smallest noisy count published (the network's k may be higher)
   * @param dailyEpsilon budget per brand, network and UTC day
   * @param lifetimeEpsilon budget per brand and network for good
   */
  public record Privacy(
      String unit,
      double epsilonPerMemberDay,
      int cellsPerMemberDay,
      double epsilonPerCell,
      double deltaPerCell,
      long releaseThreshold,
      double dailyEpsilon,
      double lifetimeEpsilon) {

    static Privacy of(InsightSettings s) {
      return new Privacy(
          InsightSettings.PRIVACY_UNIT,
          s.memberDayEpsilon(),
          s.cellsPerMemberDay(),
          s.cellEpsilon(),
          s.delta(),
          s.releaseThreshold(),
          s.dailyEpsilon(),
          s.lifetimeEpsilon());
    }
  }
}
