package lattice.insights_test

import data.lattice.fixtures as fx
import rego.v1

test_an_aggregate_above_k_is_allowed if {
	d := fx.decide(fx.insight)
	d.allow == true
	d.obligations.redact == []
	d.obligations.pseudonymize == []
}

test_an_aggregate_below_k_is_denied if {
	d := fx.decide(fx.put3(fx.insight, "context", "aggregate", "count", 9))
	fx.codes(d) == {"insight.below_k_anonymity"}
}

test_an_aggregate_exactly_at_k_is_allowed if {
	d := fx.decide(fx.put3(fx.insight, "context", "aggregate", "count", 10))
	d.allow == true
}

test_an_insight_naming_a_member_is_denied if {
	d := fx.decide(fx.put2(fx.insight, "event", "member_id", "m-42"))
	"insight.not_aggregate" in fx.codes(d)
}

test_an_insight_without_a_count_is_denied if {
	d := fx.decide(fx.put2(fx.insight, "context", "aggregate", {}))
	fx.codes(d) == {"insight.count_missing"}
}

test_a_network_that_shares_no_insights_refuses_them if {
	d := fx.decide(fx.put(fx.insight, "source_network", "book-circle"))
	fx.codes(d) == {"insight.network_disabled"}
}

test_a_brand_the_network_does_not_list_gets_no_insights if {
	d := fx.decide(fx.put(fx.insight, "destination", {"kind": "brand", "id": "globex"}))
	fx.codes(d) == {"insight.brand_not_allowed"}
}

test_non_aggregate_fields_of_an_insight_are_redacted if {
	inp := fx.put(fx.insight, "event", object.union(fx.insight.event, {"fields": {"payload.clicks": "aggregate", "payload.top_member": "identifiers", "payload.x": null}}))
	d := fx.decide(inp)
	d.allow == true
	d.obligations.redact == ["payload.top_member", "payload.x"]
}

test_k_is_never_below_two if {
	nets := fx.networks_with("ski-club", "insights", {"enabled": true, "k_anonymity": 1})
	d := fx.decide_with(fx.put3(fx.insight, "context", "aggregate", "count", 1), nets)
	fx.codes(d) == {"insight.below_k_anonymity"}
}
