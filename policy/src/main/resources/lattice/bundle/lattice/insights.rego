# Insights to brands: aggregates only, and only cells at or above the source network's k-anonymity
# threshold. An insight carries no member: no member_id, no identifying fields.
package lattice.insights

import data.lattice.flow
import data.lattice.util
import rego.v1

applies if flow.type == "insight"

rules := util.get(flow.src, "insights", {})

# k is never below 2, whatever a network configures.
default_k := 10

k := max([2, kv]) if {
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
	applies
	m := flow.event.member_id
	m != null
	m != ""
}

deny contains util.reason(
	"insight.count_missing",
	"the insight has no context.aggregate.count, so k-anonymity cannot be checked"
) if {
	applies
	not is_number(aggregate_count)
}

deny contains util.reason(
	"insight.below_k_anonymity",
	sprintf("smallest cell has %v members; %s requires at least %v", [aggregate_count, flow.source, k])
) if {
	applies
	flow.src
	is_number(aggregate_count)
	aggregate_count < k
}

# Only fields classified as aggregate may go.
category_allowed(c) if c == "aggregate"
