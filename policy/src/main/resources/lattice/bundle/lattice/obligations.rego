# What the topology must do to an allowed event: redact fields by data category (failing closed for
# fields without one), pseudonymise identifiers for the destination, generalise location.
package lattice.obligations

import data.lattice.flow
import data.lattice.insights
import data.lattice.sharing
import rego.v1

category_allowed(c) if {
	flow.type in flow.sharing_types
	sharing.category_allowed(c)
}

category_allowed(c) if {
	flow.type == "insight"
	insights.category_allowed(c)
}

# Offers carry the brand's content into the member's own network: nothing of the member leaves.
category_allowed(_) if flow.type == "offer"

redact := sort([path | some path, c in flow.fields; not category_allowed(c)])

pseudonymize_paths contains "member_id" if {
	flow.type in flow.sharing_types
	is_string(flow.member_id)
}

pseudonymize_paths contains path if {
	flow.type in flow.sharing_types
	some path, c in flow.fields
	c == "identifiers"
	category_allowed(c)
}

# The event's own identifiers are re-keyed per destination (keyed HMAC), so that two recipients, or
# a recipient and the source network, cannot join their records on them.
pseudonymize_paths contains p if {
	flow.type in flow.sharing_types
	some p in {"id", "correlation_id"}
}

pseudonymize_paths contains "payload.content_id" if flow.type == "content"

pseudonymize_paths contains "payload.purchase_id" if flow.type == "purchase"

pseudonymize := sort([p | some p in pseudonymize_paths])

generalize := {path: sharing.location_level |
	flow.type in flow.sharing_types
	some path, c in flow.fields
	c == "location"
	category_allowed(c)
	sharing.location_level != "exact"
}

obligations := {
	"redact": redact,
	"pseudonymize": pseudonymize,
	"generalize": generalize,
}
