package lattice.decision_test

import data.lattice.fixtures as fx
import rego.v1

test_an_unknown_event_type_is_denied if {
	d := fx.decide(fx.put2(fx.member_data, "event", "type", "telepathy"))
	d.allow == false
	fx.codes(d) == {"event.unknown_type"}
}

test_an_empty_input_is_denied_with_reasons if {
	d := fx.decide({})
	d.allow == false
	count(d.reasons) > 0
}

test_a_denied_decision_still_shows_the_obligations_the_flow_would_carry if {
	d := fx.decide(fx.put(fx.member_data, "destination", {"kind": "network", "id": "garden-guild"}))
	d.allow == false
	"payload.note" in d.obligations.redact
	d.obligations.pseudonymize == ["correlation_id", "id", "member_id", "payload.handle"]
}

test_an_allowed_decision_has_no_reasons if {
	d := fx.decide(fx.member_data)
	d.allow == true
	d.reasons == []
}

test_every_reason_has_a_dotted_code_and_a_message if {
	inputs := [
		fx.put2(fx.member_data, "consent", "purposes", {}),
		fx.put(fx.member_data, "source_network", "nowhere"),
		fx.put3(fx.offer, "context", "counters", "member_offers_24h", 9),
		fx.put3(fx.insight, "context", "aggregate", "count", 1),
	]
	every inp in inputs {
		d := fx.decide(inp)
		d.allow == false
		every r in d.reasons {
			contains(r.code, ".")
			lower(r.code) == r.code
			r.message != ""
		}
	}
}

test_several_failures_are_all_reported if {
	inp := fx.put3(fx.put2(fx.offer, "event", "category", "gambling"), "context", "counters", "member_offers_24h", 5)
	d := fx.decide(inp)
	fx.codes(d) == {"offer.category_blocked", "offer.frequency_cap"}
}

test_without_any_input_nothing_is_allowed if {
	not data.lattice.allow
	"event.unknown_type" in {r.code | some r in data.lattice.reasons}
}
