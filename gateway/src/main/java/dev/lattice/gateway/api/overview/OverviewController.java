package dev.lattice.gateway.api.overview;

import dev.lattice.gateway.kafka.KafkaBroker;
import dev.lattice.gateway.kafka.ProvisioningReport;
import dev.lattice.gateway.problem.FieldProblem;
import dev.lattice.gateway.problem.InvalidRequestException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The installation at a glance (ADMIN, COMPLIANCE): decision rate, allowed and denied, the most
 * common reasons for denials, quarantined records, per destination network and brand. Counts only;
 * no event, member or payload leaves through here.
 */
@RestController
@RequestMapping("/api/v1/overview")
@Tag(name = "Overview", description = "Decision rate, denials by reason, quarantine (counts only)")
public class OverviewController {

  private final DecisionOverview overview;

  public OverviewController(DecisionOverview overview) {
    this.overview = overview;
  }

  @GetMapping
  @Operation(
      summary = "Decision counts, rate and series, top deny reasons, quarantine, per network/brand",
      description =
          "Totals since the start of the audit and quarantine topics; the series covers the last"
              + " `minutes` (1-60) in 10 s buckets by decision time.")
  public DecisionOverview.Snapshot overview(@RequestParam(defaultValue = "15") int minutes) {
    if (minutes < 1 || minutes > 60) {
      throw new InvalidRequestException(
          "minutes is out of range",
          List.of(new FieldProblem("minutes", "must be 1 to 60, was " + minutes)));
    }
    return overview.snapshot(minutes);
  }

  @Configuration(proxyBeanMethods = false)
  static class OverviewConfiguration {
    @Bean(destroyMethod = "close")
    DecisionOverview decisionOverview(KafkaBroker broker, ProvisioningReport topicProvisioning) {
      return new DecisionOverview(broker.clientProperties(), Clock.systemUTC());
    }
  }
}
