# Facts about the flow being decided, derived from the input once.
package lattice.flow

import data.lattice.util
import rego.v1

event := util.get(input, "event", {})

# Fields of the event read one by one (input.event.x is event.x), so that a rule reading only
# some of them does not depend on the rest: the engine memoises rules that read none of the
# per-decision parts of the input (member id, consent, context) across decisions.
type := input.event.type

brand_id := input.event.brand_id

category := input.event.category

sku := input.event.sku

member_id := input.event.member_id

sharing_types := {"member_data", "purchase", "content"}

# insight_contribution: may this member be counted in a brand's insights (asked per member and cell)?
known_types := sharing_types | {"offer", "insight", "insight_contribution"}

# The network the event comes from: input.source_network is {id, controller, ...} (or, from older
# callers, the id alone).
source := input.source_network if {
	is_string(input.source_network)
	input.source_network != ""
} else := input.source_network.id if {
	is_string(input.source_network.id)
	input.source_network.id != ""
} else := input.event.source_network

destination_kind := input.destination.kind

destination_id := input.destination.id

# The consent purpose the flow needs.
purpose := "sharing" if {
	type == "content"
} else := "offers" if {
	type == "offer"
} else := input.event.purpose if {
	is_string(input.event.purpose)
	input.event.purpose != ""
}

# Who receives the data, as named in a consent's recipients: the destination, or for offers the brand.
recipient := brand_id if {
	type == "offer"
} else := destination_id

# The network a consent grant must cover: where the data comes from, or for offers where it goes.
scope_network := destination_id if {
	type == "offer"
} else := source

# The decision time in nanoseconds: context.now_ns, else context.now, else the clock.
now_ns := input.context.now_ns if {
	is_number(input.context.now_ns)
} else := util.ns(input.context.now) if {
	is_string(input.context.now)
} else := time.now_ns()

# Network rules of the source and (for network destinations) the destination.
src := data.networks[source]

dst := data.networks[destination_id] if destination_kind == "network"

fields := f if {
	f := input.event.fields
	is_object(f)
} else := {}
