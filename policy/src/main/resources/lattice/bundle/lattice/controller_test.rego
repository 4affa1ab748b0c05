package lattice.controller_test

import data.lattice.fixtures as fx
import rego.v1

# ski-club was bought by acme-group (acme's organisation) on 2026-11-01; before that the ski-club
# association controlled it. book-circle is controlled by books-ltd.
acquired_source := {
	"id": "ski-club",
	"controller": "acme-group",
	"controller_brand": "acme",
	"controller_since": "2026-11-01T00:00:00Z",
	"previous_controller": "ski-assoc",
}

to_acme := fx.put(
	fx.put(fx.member_data, "source_network", acquired_source),
	"destination",
	{"kind": "brand", "id": "acme", "controller": "acme-group"}
)

to_book_circle := fx.put(
	fx.put(fx.member_data, "source_network", acquired_source),
	"destination",
	{"kind": "network", "id": "book-circle", "controller": "books-ltd"}
)

with_grant(inp, key, value) := fx.put3(inp, "consent", "purposes", "marketing", fx.put(fx.marketing_grant, key, value))

test_consent_given_to_the_previous_controller_does_not_cover_the_new_controllers_brand if {
	d := fx.decide(with_grant(to_acme, "controller", "ski-assoc"))
	d.allow == false
	fx.codes(d) == {"consent.controller_changed"}
	contains(d.reasons[0].message, "re-confirm it for acme-group")
}

test_consent_re_confirmed_for_the_new_controller_covers_its_brand if {
	d := fx.decide(with_grant(to_acme, "controller", "acme-group"))
	d.allow == true
}

test_a_grant_without_a_recorded_controller_given_before_the_transfer_does_not_cover_the_new_controller if {
	d := fx.decide(to_acme)
	fx.codes(d) == {"consent.controller_changed"}
}

test_a_grant_without_a_recorded_controller_given_after_the_transfer_covers_the_new_controller if {
	d := fx.decide(with_grant(to_acme, "granted_at", "2026-11-02T00:00:00Z"))
	d.allow == true
}

test_flows_to_an_unrelated_partner_continue_after_the_transfer if {
	d := fx.decide(with_grant(to_book_circle, "controller", "ski-assoc"))
	d.allow == true
}

test_a_network_that_never_changed_hands_is_not_affected if {
	never := fx.put(acquired_source, "previous_controller", null)
	inp := fx.put(with_grant(to_acme, "controller", "someone-else"), "source_network", never)
	d := fx.decide(inp)
	d.allow == true
}

test_a_first_party_flow_is_still_gated_by_the_purpose if {
	brand_built := {"id": "ski-club", "controller": "acme-group", "controller_brand": "acme"}
	inp := fx.put2(fx.put(to_acme, "source_network", brand_built), "consent", "purposes", {})
	d := fx.decide(inp)
	d.allow == false
	fx.codes(d) == {"consent.purpose_not_granted"}
}

test_a_withdrawn_grant_is_denied_for_the_purpose_not_for_the_controller if {
	d := fx.decide(with_grant(to_acme, "granted", false))
	fx.codes(d) == {"consent.purpose_not_granted"}
}

offer_from(brand, brand_controller) := fx.put(
	fx.put(fx.put2(fx.offer, "event", "brand_controller", brand_controller), "source_network", acquired_source),
	"event",
	object.union(fx.put2(fx.offer, "event", "brand_controller", brand_controller).event, {"brand_id": brand})
)

test_an_offer_of_the_new_controllers_brand_needs_re_confirmed_consent if {
	d := fx.decide(offer_from("acme", "acme-group"))
	fx.codes(d) == {"consent.controller_changed"}
}

test_an_offer_of_another_brand_is_unaffected_by_the_transfer if {
	d := fx.decide(offer_from("acme", "other-group"))
	d.allow == true
}

test_the_controller_is_read_from_the_network_rules_when_the_input_names_none if {
	nets := fx.networks_with("ski-club", "controller", {
		"organisation": "acme-group",
		"brand": "acme",
		"since": "2026-11-01T00:00:00Z",
		"previous": "ski-assoc",
	})
	inp := fx.put(to_acme, "source_network", "ski-club")
	d := fx.decide_with(inp, nets)
	fx.codes(d) == {"consent.controller_changed"}
}

test_an_old_style_string_source_network_still_decides if {
	d := fx.decide(fx.put(fx.member_data, "source_network", "ski-club"))
	d.allow == true
}
