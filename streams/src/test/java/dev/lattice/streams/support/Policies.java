package dev.lattice.streams.support;

import dev.lattice.policy.DecisionService;
import dev.lattice.policy.DecisionServiceConfig;

/** The real default Lattice bundle, loaded (and its own Rego tests run) once per JVM. */
public final class Policies {
  private static DecisionService defaultBundle;

  private Policies() {}

  public static synchronized DecisionService defaultBundle() {
    if (defaultBundle == null) {
      defaultBundle = DecisionService.create(DecisionServiceConfig.defaults());
    }
    return defaultBundle;
  }

  /** A fresh service on the default bundle (for tests that activate other bundles). */
  public static DecisionService freshDefaultBundle() {
    return DecisionService.create(DecisionServiceConfig.defaults());
  }

  public static final String SKI_CLUB =
      """
      {"export": {"networks": ["book-circle"], "brands": ["acme"], "purposes": ["sharing", "marketing"],
                  "categories": ["profile", "interests", "location"], "location_precision": "region"},
       "import": {"networks": ["book-circle"], "purposes": ["sharing"], "categories": ["*"]},
       "agreements": [{"network": "book-circle", "purposes": ["sharing", "marketing"]}],
       "offers": {"accept": true, "frequency_cap": {"per_member_24h": 3, "per_member_brand_24h": 1}},
       "insights": {"enabled": true, "k_anonymity": 2, "brands": ["acme"]}}
      """;

  public static final String BOOK_CIRCLE =
      """
      {"export": {"networks": [], "purposes": [], "categories": []},
       "import": {"networks": ["ski-club"], "purposes": ["sharing", "marketing"], "categories": ["*"],
                  "location_precision": "region"},
       "agreements": [{"network": "ski-club", "purposes": ["sharing", "marketing"]}]}
      """;

  /** {@link #SKI_CLUB} letting content leave for book-circle. */
  public static final String SKI_CLUB_WITH_CONTENT =
      """
      {"export": {"networks": ["book-circle"], "brands": ["acme"], "purposes": ["sharing", "marketing"],
                  "categories": ["profile", "interests", "location", "content"],
                  "location_precision": "region", "content": true},
       "import": {"networks": ["book-circle"], "purposes": ["sharing"], "categories": ["*"]},
       "agreements": [{"network": "book-circle", "purposes": ["sharing", "marketing"], "content": true}],
       "offers": {"accept": true, "frequency_cap": {"per_member_24h": 3, "per_member_brand_24h": 1}},
       "insights": {"enabled": true, "k_anonymity": 2, "brands": ["acme"]}}
      """;

  /** {@link #BOOK_CIRCLE} accepting content from ski-club. */
  public static final String BOOK_CIRCLE_WITH_CONTENT =
      """
      {"export": {"networks": [], "purposes": [], "categories": []},
       "import": {"networks": ["ski-club"], "purposes": ["sharing", "marketing"], "categories": ["*"],
                  "location_precision": "region", "content": true},
       "agreements": [{"network": "ski-club", "purposes": ["sharing", "marketing"], "content": true}]}
      """;
}
