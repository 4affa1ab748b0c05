package bench.consent

# A realistic consent policy in the shape of the decision contract: purpose and category
# checks, a partial set of deny reasons and an object of obligations.

grant := input.consent.purposes[input.event.purpose]

deny contains {"code": "consent.purpose_not_granted", "message": sprintf("member has not granted %s", [input.event.purpose])} if {
	not grant.granted
}

deny contains {"code": "consent.recipient_not_covered", "message": sprintf("consent does not cover %s", [input.destination.id])} if {
	grant.granted
	count(grant.recipients) > 0
	not input.destination.id in grant.recipients
}

deny contains {"code": "consent.category_not_granted", "message": sprintf("category %s not granted", [category])} if {
	grant.granted
	some category in {c | some _, c in input.event.fields; c != null}
	not category in grant.categories
	not category in data.always_allowed_categories
}

deny contains {"code": "network.category_blocked", "message": sprintf("%s blocks %s", [input.destination.id, input.event.category])} if {
	input.event.category in data.networks[input.destination.id].blocked_categories
}

deny contains {"code": "offer.frequency_cap", "message": "daily offer cap reached"} if {
	input.event.type == "offer"
	input.context.counters.member_offers_24h >= data.networks[input.destination.id].daily_offer_cap
}

default allow := false

allow if count(deny) == 0

redact contains path if {
	some path, category in input.event.fields
	category in data.networks[input.destination.id].redact_categories
}

generalize[path] := data.generalization[category] if {
	some path, category in input.event.fields
	data.generalization[category]
}

default pseudonymize := []

pseudonymize := ["member_id"] if input.destination.kind == "brand"

obligations := {
	"redact": sort([p | some p in redact]),
	"pseudonymize": pseudonymize,
	"generalize": generalize,
}

decision := {
	"allow": allow,
	"reasons": sort([r | some r in deny]),
	"obligations": obligations,
}
