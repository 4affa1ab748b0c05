# data.lattice.decision: the answer the topology asks for, per event and destination
# (docs/decision-contract.md). Every deny carries stable reason codes.
package lattice

import data.lattice.consent
import data.lattice.controller
import data.lattice.flow
import data.lattice.insights
import data.lattice.obligations
import data.lattice.offers
import data.lattice.sharing
import data.lattice.util
import rego.v1

reasons contains r if some r in consent.deny

reasons contains r if some r in controller.deny

reasons contains r if some r in sharing.deny

reasons contains r if some r in offers.deny

reasons contains r if some r in insights.deny

reasons contains util.reason(
	"event.unknown_type",
	sprintf("unknown event type %v", [event_type_text])
) if not flow.type in flow.known_types

# The event type as given, null when there is none: also without any input (a query of the OPA data
# API with no input), where reading input would leave the reason undefined and allow true.
event_type_text := t if {
	t := input.event.type
} else := null

default allow := false

allow if count(reasons) == 0

# Obligations come with every decision: on an allow the topology applies them before writing; on a
# deny nothing is written and they show what the flow would have needed (for explanations).
decision := {
	"allow": allow,
	"reasons": [r | some r in reasons],
	"obligations": obligations.obligations,
}
