# The member's consent: purpose (with recipients, network scope, expiry, legal basis), categories, GPC.
package lattice.consent

import data.lattice.flow
import data.lattice.util
import rego.v1

# A member is counted in a brand's insights only under consent (purpose analytics, recipient the
# brand, network the source), like any other flow of the member's data.
applies if flow.type in (flow.sharing_types | {"offer", "insight_contribution"})

grant := input.consent.purposes[flow.purpose]

granted if grant.granted == true

# Legal bases that let data leave a network or an offer reach a member.
accepted_legal_bases := {"consent"}

deny contains util.reason("event.purpose_missing", "the event names no purpose, so no consent can cover it") if {
	applies
	not flow.purpose
}

deny contains util.reason(
	"consent.purpose_not_granted",
	sprintf("member has not granted %s", [flow.purpose])
) if {
	applies
	flow.purpose
	not granted
}

deny contains util.reason_detail(
	"consent.expired",
	sprintf("the member's %s consent has expired", [flow.purpose]),
	{"expires_at": grant.expires_at}
) if {
	applies
	granted
	is_string(grant.expires_at)
	util.ns(grant.expires_at) <= flow.now_ns
}

deny contains util.reason_detail(
	"consent.not_yet_valid",
	sprintf("the member's %s consent is not in force yet", [flow.purpose]),
	{"granted_at": grant.granted_at}
) if {
	applies
	granted
	is_string(grant.granted_at)
	util.ns(grant.granted_at) > flow.now_ns
}

deny contains util.reason(
	"consent.legal_basis_insufficient",
	sprintf("legal basis %v does not allow %s to leave the network; consent is needed", [util.get(grant, "legal_basis", null), flow.purpose])
) if {
	applies
	granted
	not grant.legal_basis in accepted_legal_bases
}

deny contains util.reason(
	"consent.recipient_not_covered",
	sprintf("member's %s consent does not name %s as a recipient", [flow.purpose, flow.recipient])
) if {
	applies
	granted
	not util.scope_allows(util.get(grant, "recipients", []), flow.recipient)
}

deny contains util.reason(
	"consent.network_not_covered",
	sprintf("member's %s consent does not cover network %s", [flow.purpose, flow.scope_network])
) if {
	applies
	granted
	not util.scope_allows(util.get(grant, "networks", []), flow.scope_network)
}

# Global Privacy Control: no personal data is sold or shared with brands.
deny contains util.reason("consent.gpc", "member's browser signals Global Privacy Control: nothing is shared with brands") if {
	flow.type in flow.sharing_types
	flow.destination_kind == "brand"
	input.consent.gpc == true
}

# The categories the member's grant covers; an empty or absent list covers every category.
restricts_categories if {
	granted
	count(util.as_list(util.get(grant, "categories", []))) > 0
}

categories := {c | some c in util.as_list(grant.categories)} if restricts_categories
