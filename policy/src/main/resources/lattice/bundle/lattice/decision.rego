# data.lattice.decision: the answer the topology asks for, per event and destination
# (docs/decision-contract.md). Every deny carries stable reason codes; obligations only come with
# an allow.
package lattice

import data.lattice.consent
import data.lattice.flow
import data.lattice.insights
import data.lattice.obligations
import data.lattice.offers
import data.lattice.sharing
import data.lattice.util
import rego.v1

no_obligations := {"redact": [], "pseudonymize": [], "generalize": {}}

reasons contains r if some r in consent.deny

reasons contains r if some r in sharing.deny

reasons contains r if some r in offers.deny

reasons contains r if some r in insights.deny

reasons contains util.reason(
	"event.unknown_type",
	sprintf("unknown event type %v", [util.get(flow.event, "type", null)])
) if not flow.type in flow.known_types

allow if count(reasons) == 0

decision := {
	"allow": true,
	"reasons": [],
	"obligations": obligations.obligations,
} if {
	allow
} else := {
	"allow": false,
	"reasons": [r | some r in reasons],
	"obligations": no_obligations,
}
