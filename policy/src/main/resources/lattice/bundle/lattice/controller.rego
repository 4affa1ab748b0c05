# Who controls the networks (build, buy, transit): a network is controlled by an organisation (for a
# brand-built or brand-owned network, the brand's). When a network changes hands (a transfer), the
# consent its members gave to the previous controller does not cover flows to the new controller or
# its brands until they re-confirm it for the new controller. Flows to anyone else are unaffected,
# and first-party flows (a network to its own controller's brand) still need the purpose's consent.
package lattice.controller

import data.lattice.consent
import data.lattice.flow
import data.lattice.util
import rego.v1

# The organisation that controls the source network: from the input, else from the network's rules.
source_controller := c if {
	c := input.source_network.controller
	is_string(c)
	c != ""
} else := c if {
	c := flow.src.controller.organisation
	is_string(c)
	c != ""
}

# The controller before the last transfer, and when the transfer took effect (only after one).
previous_controller := p if {
	p := input.source_network.previous_controller
	is_string(p)
	p != ""
} else := p if {
	p := flow.src.controller.previous
	is_string(p)
	p != ""
}

controlled_since_ns := util.ns(s) if {
	s := input.source_network.controller_since
	is_string(s)
} else := util.ns(s) if {
	s := flow.src.controller.since
	is_string(s)
}

transferred if {
	previous_controller
	controlled_since_ns
	previous_controller != source_controller
}

# The organisation the data reaches: the destination's controller; for an offer, which comes from a
# brand into the member's network, the controller of the offering brand.
counterparty := c if {
	flow.type == "offer"
	c := input.event.brand_controller
	is_string(c)
	c != ""
} else := c if {
	flow.type != "offer"
	c := input.destination.controller
	is_string(c)
	c != ""
}

# The flow stays with the source network's controller (its own brand or another of its networks).
first_party if {
	source_controller
	counterparty == source_controller
}

# The organisation the member's grant was given to (recorded on the grant by the consent ledger).
grant_controller := c if {
	c := consent.grant.controller
	is_string(c)
	c != ""
}

# The grant covers the current controller: given to it, or (not recorded) given after the transfer.
covers_current_controller if grant_controller == source_controller

covers_current_controller if {
	not grant_controller
	is_string(consent.grant.granted_at)
	util.ns(consent.grant.granted_at) >= controlled_since_ns
}

given_to := grant_controller if {
	grant_controller
} else := sprintf("%s before it changed hands", [flow.source])

deny contains util.reason(
	"consent.controller_changed",
	sprintf(
		"member's %s consent was given to %s; network %s is now controlled by %s: the member must re-confirm it for %s",
		[flow.purpose, given_to, flow.source, source_controller, source_controller]
	)
) if {
	consent.applies
	consent.granted
	transferred
	first_party
	not covers_current_controller
}
