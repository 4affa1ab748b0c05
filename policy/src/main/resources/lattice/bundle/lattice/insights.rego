# Insights to brands: differentially private aggregates only (the topology adds the noise, bounds
# each member's contribution and applies the noisy release threshold; see docs/privacy.md).
# - type "insight": the release of one cell; context.aggregate.count is the NOISY count, and the
#   network's k is a floor on it. An insight carries no member.
# - type "insight_contribution": may one member be counted in a cell for this brand? Consent to
#   analytics covering the brand and the network (consent.rego), and the network shares insights
#   with the brand.
package lattice.insights

import data.lattice.flow
import data.lattice.util
import rego.v1

release if flow.type == "insight"

contribution if flow.type == "insight_contribution"

applies if release

applies if contribution

rules := util.get(flow.src, "insights", {})

# The one definition of k: the network's insights.k_anonymity rounded up, never below 2; 10 when
# absent or not a number. Nothing else (no other key, no Java copy) sets k.
default_k := 10

k := max([2, ceil(kv)]) if {
	kv := rules.k_anonymity
	is_number(kv)
} else := default_k

aggregate_count := input.context.aggregate.count

deny contains util.reason(
	"insight.destination_not_brand",
	"insights are only delivered to brands"
) if {
	applies
	flow.destination_kind != "brand"
}

deny contains util.reason(
	"network.unknown_source",
	sprintf("no rules for source network %v", [flow.source])
) if {
	applies
	not flow.src
}

deny contains util.reason(
	"insight.network_disabled",
	sprintf("%s does not share insights", [flow.source])
) if {
	applies
	flow.src
	not rules.enabled == true
}

deny contains util.reason(
	"insight.brand_not_allowed",
	sprintf("%s does not share insights with %s", [flow.source, flow.destination_id])
) if {
	applies
	flow.src
	brands := util.as_list(util.get(rules, "brands", []))
	count(brands) > 0
	not util.rule_allows(brands, flow.destination_id)
}

deny contains util.reason(
	"insight.not_aggregate",
	"an insight must be an aggregate: it names a member"
) if {
	release
	m := flow.member_id
	m != null
	m != ""
}

deny contains util.reason(
	"insight.member_missing",
	"an insight contribution must name the member it counts"
) if {
	contribution
	not is_string(flow.member_id)
}

deny contains util.reason(
	"insight.count_missing",
	"the insight has no context.aggregate.count, so k-anonymity cannot be checked"
) if {
	release
	not is_number(aggregate_count)
}

deny contains util.reason(
	"insight.below_k_anonymity",
	sprintf("the noisy cell count %v is below the k of %s (%v)", [aggregate_count, flow.source, k])
) if {
	release
	flow.src
	is_number(aggregate_count)
	aggregate_count < k
}

# Only fields classified as aggregate may go.
category_allowed(c) if c == "aggregate"
