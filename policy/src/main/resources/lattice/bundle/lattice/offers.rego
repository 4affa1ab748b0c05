# Brand offers into a network for one of its members: the network's brand allow/deny lists and
# blocked categories, the member's consent to offers (optionally per brand and category), frequency
# caps from context.counters, and no retargeting of a product the member bought within the
# network's suppression window (context.purchases).
package lattice.offers

import data.lattice.consent
import data.lattice.flow
import data.lattice.util
import rego.v1

applies if flow.type == "offer"

rules := util.get(flow.dst, "offers", {})

brand := flow.brand_id

category := flow.category

counters := util.get(util.get(input, "context", {}), "counters", {})

default_frequency_cap := {"per_member_24h": 3, "per_member_brand_24h": 1}

default_suppression_window_days := 30

category_text := c if {
	c := input.event.category
} else := null

deny contains r if some r in network_deny

cap(name) := c if {
	c := util.get(util.get(rules, "frequency_cap", {}), name, default_frequency_cap[name])
	is_number(c)
} else := default_frequency_cap[name]

# The reasons that depend only on the offer and the destination network's rules, not on the
# member: the engine evaluates them once per offer and network, not once per member.
network_deny contains util.reason(
	"offer.destination_not_network",
	"offers are delivered into the member's network; the destination must be a network"
) if {
	applies
	flow.destination_kind != "network"
}

network_deny contains util.reason(
	"network.unknown_destination",
	sprintf("no rules for network %v", [flow.destination_id])
) if {
	applies
	flow.destination_kind == "network"
	not flow.dst
}

network_deny contains util.reason("offer.brand_missing", "the offer names no brand") if {
	applies
	not is_string(brand)
}

network_deny contains util.reason(
	"offer.network_closed",
	sprintf("%s does not accept brand offers", [flow.destination_id])
) if {
	applies
	flow.dst
	not rules.accept == true
}

network_deny contains util.reason(
	"offer.brand_denied",
	sprintf("%s does not accept offers from %s", [flow.destination_id, brand])
) if {
	applies
	flow.dst
	brand in util.as_list(util.get(rules, "brands_deny", []))
}

network_deny contains util.reason(
	"offer.brand_not_allowed",
	sprintf("%s is not on the brand list of %s", [brand, flow.destination_id])
) if {
	applies
	flow.dst
	allowed := util.as_list(util.get(rules, "brands_allow", []))
	count(allowed) > 0
	not "*" in allowed
	not brand in allowed
}

network_deny contains util.reason(
	"offer.category_blocked",
	sprintf("%s blocks offers in category %s", [flow.destination_id, category])
) if {
	applies
	flow.dst
	category in util.as_list(util.get(rules, "blocked_categories", []))
}

# The member's offers consent may be limited to some offer categories.
deny contains util.reason(
	"consent.category_not_granted",
	sprintf("member has not granted offers in category %v", [category_text])
) if {
	applies
	consent.restricts_categories
	not category in consent.categories
}

deny contains util.reason(
	"offer.frequency_cap",
	sprintf("member already received %v offers in 24h (cap %v)", [n, limit])
) if {
	applies
	flow.dst
	limit := cap("per_member_24h")
	n := util.get(counters, "member_offers_24h", 0)
	n >= limit
}

deny contains util.reason(
	"offer.brand_frequency_cap",
	sprintf("member already received %v offers from %s in 24h (cap %v)", [n, brand, limit])
) if {
	applies
	flow.dst
	limit := cap("per_member_brand_24h")
	n := util.get(counters, "member_brand_offers_24h", 0)
	n >= limit
}

window_days := d if {
	d := rules.suppression_window_days
	is_number(d)
} else := default_suppression_window_days

# No retargeting: no offer for a product the member bought within the suppression window.
deny contains util.reason(
	"offer.recently_purchased",
	# Never the sku or the date: audit messages outlive an erasure and must hold no personal values.
	sprintf("the member bought this product within the %v-day suppression window", [window_days])
) if {
	applies
	flow.dst
	is_string(flow.sku)
	window_start := flow.now_ns - (((window_days * 24) * 3600) * 1000000000)
	some p in util.as_list(util.get(util.get(input, "context", {}), "purchases", []))
	p.sku == flow.sku
	same_brand(p)
	util.ns(p.at) >= window_start
}

same_brand(p) if not is_string(p.brand_id)

same_brand(p) if p.brand_id == brand
