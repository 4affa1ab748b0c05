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
	fx.decide_with(fx.put3(fx.insight, "context", "aggregate", "count", 2), nets).allow == true
}

test_a_fractional_k_is_rounded_up if {
	nets := fx.networks_with("ski-club", "insights", {"enabled": true, "k_anonymity": 4.2})
	fx.codes(fx.decide_with(fx.put3(fx.insight, "context", "aggregate", "count", 4), nets)) == {"insight.below_k_anonymity"}
	fx.decide_with(fx.put3(fx.insight, "context", "aggregate", "count", 5), nets).allow == true
}

test_only_k_anonymity_sets_k_other_keys_are_ignored if {
	nets := fx.networks_with("ski-club", "insights", {"enabled": true, "k": 3, "min_cell_count": 3})
	fx.codes(fx.decide_with(fx.put3(fx.insight, "context", "aggregate", "count", 9), nets)) == {"insight.below_k_anonymity"}
	fx.decide_with(fx.put3(fx.insight, "context", "aggregate", "count", 10), nets).allow == true
}

test_a_k_that_is_not_a_number_falls_back_to_ten if {
	nets := fx.networks_with("ski-club", "insights", {"enabled": true, "k_anonymity": "2"})
	fx.codes(fx.decide_with(fx.put3(fx.insight, "context", "aggregate", "count", 9), nets)) == {"insight.below_k_anonymity"}
}

analytics_grant := {
	"granted": true,
	"categories": [],
	"recipients": ["acme"],
	"networks": ["ski-club"],
	"legal_basis": "consent",
	"granted_at": "2026-01-01T00:00:00Z",
	"expires_at": null,
}

contribution := {
	"event": {
		"id": "contrib-1",
		"type": "insight_contribution",
		"purpose": "analytics",
		"source_network": "ski-club",
		"member_id": "m-42",
		"brand_id": "acme",
		"category": "outdoor",
		"payload": {"metric": "purchases"},
		"fields": {},
	},
	"consent": {"member_id": "m-42", "version": 4, "gpc": false, "purposes": {"analytics": analytics_grant}},
	"source_network": "ski-club",
	"destination": {"kind": "brand", "id": "acme"},
	"context": {"now": fx.now, "now_ns": fx.now_ns},
}

test_a_member_who_granted_analytics_to_the_brand_is_counted if {
	d := fx.decide(contribution)
	d.allow == true
}

test_a_member_without_analytics_consent_is_not_counted if {
	d := fx.decide(fx.put2(contribution, "consent", "purposes", {}))
	fx.codes(d) == {"consent.purpose_not_granted"}
}

test_a_withdrawn_analytics_consent_is_not_counted if {
	d := fx.decide(fx.put3(contribution, "consent", "purposes", "analytics", object.union(analytics_grant, {"granted": false})))
	fx.codes(d) == {"consent.purpose_not_granted"}
}

test_analytics_consent_for_another_brand_does_not_count_the_member if {
	d := fx.decide(fx.put3(contribution, "consent", "purposes", "analytics", object.union(analytics_grant, {"recipients": ["globex"]})))
	fx.codes(d) == {"consent.recipient_not_covered"}
}

test_analytics_consent_for_another_network_does_not_count_the_member if {
	d := fx.decide(fx.put3(contribution, "consent", "purposes", "analytics", object.union(analytics_grant, {"networks": ["book-circle"]})))
	fx.codes(d) == {"consent.network_not_covered"}
}

test_an_expired_analytics_consent_does_not_count_the_member if {
	d := fx.decide(fx.put3(contribution, "consent", "purposes", "analytics", object.union(analytics_grant, {"expires_at": "2026-06-01T00:00:00Z"})))
	fx.codes(d) == {"consent.expired"}
}

test_no_member_is_counted_for_a_network_that_shares_no_insights if {
	d := fx.decide(fx.put(fx.put2(contribution, "event", "source_network", "book-circle"), "source_network", "book-circle"))
	"insight.network_disabled" in fx.codes(d)
}

test_no_member_is_counted_for_a_brand_the_network_does_not_list if {
	d := fx.decide(fx.put(contribution, "destination", {"kind": "brand", "id": "globex"}))
	"insight.brand_not_allowed" in fx.codes(d)
}

test_a_contribution_must_name_its_member if {
	d := fx.decide(fx.put2(contribution, "event", "member_id", null))
	"insight.member_missing" in fx.codes(d)
}
