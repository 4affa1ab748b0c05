# Member data, purchases and content leaving their network for a partner network or a brand:
# the source network's export rules, the destination network's import rules, a mutual agreement
# between the two networks for any transit, and (for content) both networks' content rules.
package lattice.sharing

import data.lattice.consent
import data.lattice.flow
import data.lattice.util
import rego.v1

applies if flow.type in flow.sharing_types

to_network if flow.destination_kind == "network"

to_brand if flow.destination_kind == "brand"

content if flow.type == "content"

src_export := util.get(flow.src, "export", {})

dst_import := util.get(flow.dst, "import", {})

# The reasons that depend only on the flow (event type and purpose, source, destination) and
# the two networks' rules, not on the member or the time: the engine evaluates them once per
# distinct flow, not once per decision.
deny contains r if some r in network_deny

network_deny contains util.reason(
	"destination.invalid",
	sprintf("destination kind %v is neither network nor brand", [flow.destination_kind])
) if {
	applies
	not to_network
	not to_brand
}

network_deny contains util.reason(
	"network.unknown_source",
	sprintf("no rules for source network %v", [flow.source])
) if {
	applies
	not flow.src
}

network_deny contains util.reason(
	"network.unknown_destination",
	sprintf("no rules for destination network %v", [flow.destination_id])
) if {
	applies
	to_network
	not flow.dst
}

# --- the source network's export rules ---

network_deny contains util.reason(
	"network.export_destination_denied",
	sprintf("%s does not export to network %s", [flow.source, flow.destination_id])
) if {
	applies
	to_network
	flow.src
	not util.rule_allows(src_export.networks, flow.destination_id)
}

network_deny contains util.reason(
	"network.export_destination_denied",
	sprintf("%s does not export to brand %s", [flow.source, flow.destination_id])
) if {
	applies
	to_brand
	flow.src
	not util.rule_allows(src_export.brands, flow.destination_id)
}

network_deny contains util.reason(
	"network.export_purpose_denied",
	sprintf("%s does not let data leave for %s", [flow.source, flow.purpose])
) if {
	applies
	flow.src
	flow.purpose
	not util.rule_allows(src_export.purposes, flow.purpose)
}

network_deny contains util.reason(
	"network.content_export_denied",
	sprintf("%s does not let content leave the network", [flow.source])
) if {
	applies
	content
	flow.src
	not src_export.content == true
}

# --- the destination network's import rules ---

network_deny contains util.reason(
	"network.import_source_denied",
	sprintf("%s does not accept data from %s", [flow.destination_id, flow.source])
) if {
	applies
	to_network
	flow.dst
	not util.rule_allows(dst_import.networks, flow.source)
}

network_deny contains util.reason(
	"network.import_purpose_denied",
	sprintf("%s does not accept data for %s", [flow.destination_id, flow.purpose])
) if {
	applies
	to_network
	flow.dst
	flow.purpose
	not util.rule_allows(dst_import.purposes, flow.purpose)
}

network_deny contains util.reason(
	"network.content_import_denied",
	sprintf("%s does not accept content from other networks", [flow.destination_id])
) if {
	applies
	content
	to_network
	flow.dst
	not dst_import.content == true
}

# --- transit: both networks must hold a current agreement with each other ---

# covers(a, other): agreement entry a is with network other and covers this flow's purpose and kind,
# whatever its expiry (see src_agreement).
covers(a, other) if {
	a.network == other
	util.rule_allows(a.purposes, flow.purpose)
	content_covered(a)
}

expired(a) if {
	is_string(a.expires_at)
	util.ns(a.expires_at) <= flow.now_ns
}

# An expiry that time.parse_rfc3339_ns cannot read ("2099-01-01t00:00:00z", "soon") counts as past:
# an agreement is current only while its expiry is known to lie ahead.
expired(a) if {
	is_string(a.expires_at)
	not util.ns(a.expires_at)
}

content_covered(_) if not content

content_covered(a) if {
	content
	a.content == true
}

# The agreements that would cover the flow if current. They depend on the networks' documents and the
# event only, so the decision service evaluates them once per event and destination, not once per
# member; whether each is current depends on the decision's time and is checked per decision below.
src_agreement_covering contains a if {
	some a in util.as_list(util.get(flow.src, "agreements", []))
	covers(a, flow.destination_id)
}

dst_agreement_covering contains a if {
	some a in util.as_list(util.get(flow.dst, "agreements", []))
	covers(a, flow.source)
}

# The current agreements that cover the flow, on each side.
src_agreement contains a if {
	some a in src_agreement_covering
	not expired(a)
}

dst_agreement contains a if {
	some a in dst_agreement_covering
	not expired(a)
}

deny contains util.reason(
	"transit.no_agreement",
	sprintf("no current agreement between %s and %s covers %s", [flow.source, flow.destination_id, what])
) if {
	applies
	to_network
	flow.src
	flow.dst
	not agreed
	what := flow_description
}

agreed if {
	count(src_agreement) > 0
	count(dst_agreement) > 0
}

flow_description := sprintf("content for %s", [flow.purpose]) if content

flow_description := sprintf("%s", [flow.purpose]) if not content

# --- which data categories may go: the intersection of every restriction that applies ---

# A grant of the offers purpose lists offer categories (outdoor, books), not data categories: data
# shared for offers (a purchase) is limited by the purchase's own category instead, below.
restrictions contains consent.categories if {
	consent.restricts_categories
	flow.purpose != "offers"
}

restrictions contains r if some r in network_restrictions

# The networks' own restrictions: they depend on the networks' documents and the event only, so the
# decision service evaluates them once per event and destination, not once per member.
network_restrictions contains {c | some c in util.as_list(src_export.categories)} if {
	flow.src
	not "*" in util.as_list(src_export.categories)
}

network_restrictions contains {c | some c in util.as_list(dst_import.categories)} if {
	to_network
	flow.dst
	not "*" in util.as_list(dst_import.categories)
}

restrictions contains {c | some c in a.categories} if {
	to_network
	some a in src_agreement
	is_array(a.categories)
	not "*" in a.categories
}

restrictions contains {c | some c in a.categories} if {
	to_network
	some a in dst_agreement
	is_array(a.categories)
	not "*" in a.categories
}

# The source network is unknown: nothing may go (the flow is denied anyway).
network_restrictions contains set() if not flow.src

deny contains util.reason(
	"consent.category_not_granted",
	sprintf("member has not granted offers in category %v", [util.get(input.event, "category", null)])
) if {
	applies
	flow.purpose == "offers"
	consent.restricts_categories
	not flow.category in consent.categories
}

# category_allowed(c): every restriction admits c. A null category is only admitted when nothing
# restricts the flow (fail closed for fields the schema did not classify).
category_allowed(c) if {
	count({s | some s in restrictions; not c in s}) == 0
}

deny contains util.reason(
	"data.no_shareable_fields",
	sprintf("none of the event's fields may go to %s (categories not allowed: %v)", [flow.destination_id, blocked])
) if {
	applies
	count(flow.fields) > 0
	every _, c in flow.fields {
		not category_allowed(c)
	}
	blocked := sort([c | some c in {x | some x in flow.fields}])
}

# How precisely location may go: the coarsest of the source's export and the destination's import
# setting (default region).
levels := ["exact", "city", "region", "country"]

rank := {"exact": 0, "city": 1, "region": 2, "country": 3}

precisions contains util.get(src_export, "location_precision", "region")

precisions contains util.get(dst_import, "location_precision", "region") if to_network

location_level := levels[max({r | some p in precisions; r := object.get(rank, p, 3)})]

# How precisely the time of the member's event (occurred_at) may go: the coarsest of the source's
# export and the destination network's import setting (default exact); a brand never gets it finer
# than the hour (it could otherwise match a delivery to a member's visible activity).
time_levels := ["exact", "hour", "day"]

time_rank := {"exact": 0, "hour": 1, "day": 2}

time_precisions contains util.get(src_export, "time_precision", "exact")

time_precisions contains util.get(dst_import, "time_precision", "exact") if to_network

time_precisions contains "hour" if flow.destination_kind == "brand"

time_level := time_levels[max({r | some p in time_precisions; r := object.get(time_rank, p, 2)})]
