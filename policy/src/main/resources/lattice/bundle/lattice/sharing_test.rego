package lattice.sharing_test

import data.lattice.fixtures as fx
import rego.v1

test_allowed_member_data_carries_its_obligations if {
	d := fx.decide(fx.member_data)
	d.allow == true
	d.obligations == {
		"redact": ["payload.email", "payload.note"],
		"pseudonymize": ["correlation_id", "id", "member_id", "payload.handle"],
		"generalize": {"payload.city": "region"},
		"coarsen_time": {},
	}
}

test_a_field_without_category_is_redacted if {
	d := fx.decide(fx.member_data)
	"payload.note" in d.obligations.redact
}

test_a_field_without_category_is_kept_when_everything_is_allowed if {
	nets := fx.networks_with("ski-club", "export", object.union(fx.networks["ski-club"].export, {"categories": ["*"]}))
	nets2 := fx.put2(nets, "book-circle", "import", object.union(fx.networks["book-circle"].import, {"categories": ["*"]}))
	d := fx.decide_with(fx.member_data_with_grant(fx.grant_with("categories", [])), nets2)
	d.allow == true
	d.obligations.redact == []
}

test_a_category_the_source_does_not_export_is_redacted if {
	nets := fx.networks_with("ski-club", "export", object.union(fx.networks["ski-club"].export, {"categories": ["profile", "location", "identifiers"]}))
	d := fx.decide_with(fx.member_data, nets)
	d.allow == true
	"payload.interests" in d.obligations.redact
}

test_an_event_with_no_shareable_field_is_denied if {
	d := fx.decide(fx.member_data_with_grant(fx.grant_with("categories", ["health"])))
	d.allow == false
	fx.codes(d) == {"data.no_shareable_fields"}
}

test_a_destination_the_source_does_not_export_to_is_denied if {
	nets := fx.networks_with("ski-club", "export", object.union(fx.networks["ski-club"].export, {"networks": ["garden-guild"]}))
	d := fx.decide_with(fx.member_data, nets)
	fx.codes(d) == {"network.export_destination_denied"}
}

test_a_purpose_the_source_does_not_export_is_denied if {
	inp := fx.put2(fx.put2(fx.member_data, "event", "purpose", "analytics"), "consent", "purposes", {"analytics": fx.marketing_grant})
	d := fx.decide(inp)
	"network.export_purpose_denied" in fx.codes(d)
	not "consent.purpose_not_granted" in fx.codes(d)
}

test_a_source_the_destination_does_not_import_from_is_denied if {
	nets := fx.networks_with("book-circle", "import", object.union(fx.networks["book-circle"].import, {"networks": []}))
	d := fx.decide_with(fx.member_data, nets)
	fx.codes(d) == {"network.import_source_denied"}
}

test_a_purpose_the_destination_does_not_import_is_denied if {
	inp := fx.put2(fx.put2(fx.member_data, "event", "purpose", "research"), "consent", "purposes", {"research": fx.marketing_grant})
	d := fx.decide(inp)
	"network.import_purpose_denied" in fx.codes(d)
}

test_transit_without_an_agreement_is_denied if {
	inp := fx.put(fx.member_data_with_grant(fx.grant_with("recipients", [])), "destination", {"kind": "network", "id": "garden-guild"})
	d := fx.decide(inp)
	fx.codes(d) == {"transit.no_agreement"}
}

test_a_one_sided_agreement_is_not_enough if {
	nets := fx.put2(fx.networks, "book-circle", "agreements", [])
	d := fx.decide_with(fx.member_data, nets)
	fx.codes(d) == {"transit.no_agreement"}
}

test_an_expired_agreement_is_not_enough if {
	nets := fx.put2(fx.networks, "ski-club", "agreements", [{"network": "book-circle", "purposes": ["*"], "content": true, "expires_at": "2026-06-01T00:00:00Z"}])
	d := fx.decide_with(fx.member_data, nets)
	fx.codes(d) == {"transit.no_agreement"}
}

test_an_agreement_whose_expiry_cannot_be_read_is_not_enough if {
	nets := fx.put2(fx.networks, "ski-club", "agreements", [{"network": "book-circle", "purposes": ["*"], "content": true, "expires_at": "2099-06-01t00:00:00z"}])
	d := fx.decide_with(fx.member_data, nets)
	fx.codes(d) == {"transit.no_agreement"}
}

test_an_agreement_limits_the_categories if {
	nets := fx.put2(fx.networks, "ski-club", "agreements", [{"network": "book-circle", "purposes": ["marketing"], "categories": ["profile", "interests"]}])
	d := fx.decide_with(fx.member_data, nets)
	d.allow == true
	"payload.city" in d.obligations.redact
	d.obligations.generalize == {}
}

test_an_unknown_source_network_is_denied if {
	d := fx.decide(fx.put(fx.member_data, "source_network", "nowhere"))
	"network.unknown_source" in fx.codes(d)
	d.allow == false
}

test_an_unknown_destination_network_is_denied if {
	inp := fx.put(fx.member_data_with_grant(fx.grant_with("recipients", [])), "destination", {"kind": "network", "id": "nowhere"})
	d := fx.decide(inp)
	"network.unknown_destination" in fx.codes(d)
}

test_member_data_to_an_exported_brand_is_allowed_with_city_precision if {
	d := fx.decide(fx.put(fx.member_data, "destination", {"kind": "brand", "id": "acme"}))
	d.allow == true
	d.obligations.generalize == {"payload.city": "city"}
	d.obligations.pseudonymize == ["correlation_id", "id", "member_id", "payload.handle"]
}

test_member_data_to_a_brand_the_source_does_not_export_to_is_denied if {
	inp := fx.put(fx.member_data_with_grant(fx.grant_with("recipients", [])), "destination", {"kind": "brand", "id": "globex"})
	d := fx.decide(inp)
	fx.codes(d) == {"network.export_destination_denied"}
}

test_an_invalid_destination_kind_is_denied if {
	d := fx.decide(fx.put(fx.member_data, "destination", {"kind": "planet", "id": "book-circle"}))
	"destination.invalid" in fx.codes(d)
}

test_a_purchase_leaves_only_as_member_data_would if {
	inp := fx.put2(fx.member_data, "event", "type", "purchase")
	d := fx.decide(inp)
	d.allow == true
	"payload.email" in d.obligations.redact
}

test_a_brand_gets_the_time_of_a_members_event_at_hour_precision if {
	d := fx.decide(fx.put(fx.member_data, "destination", {"kind": "brand", "id": "acme"}))
	d.allow == true
	d.obligations.coarsen_time == {"occurred_at": "hour"}
}

test_a_partner_network_gets_the_exact_time_unless_a_rule_says_otherwise if {
	d := fx.decide(fx.member_data)
	d.allow == true
	d.obligations.coarsen_time == {}
}

test_the_coarsest_time_precision_of_export_and_import_applies if {
	nets := fx.networks_with("book-circle", "import", object.union(fx.networks["book-circle"].import, {"time_precision": "day"}))
	d := fx.decide_with(fx.member_data, nets)
	d.allow == true
	d.obligations.coarsen_time == {"occurred_at": "day"}
}

test_a_source_that_exports_days_gives_brands_days_too if {
	nets := fx.networks_with("ski-club", "export", object.union(fx.networks["ski-club"].export, {"time_precision": "day"}))
	d := fx.decide_with(fx.put(fx.member_data, "destination", {"kind": "brand", "id": "acme"}), nets)
	d.obligations.coarsen_time == {"occurred_at": "day"}
}

# An offers grant lists offer categories: a purchase shared for offers is limited by its own
# category, and the grant's categories never restrict its data categories.
offers_purchase(category) := fx.put2(
	fx.put2(fx.put2(fx.put2(fx.member_data, "event", "type", "purchase"), "event", "purpose", "offers"), "event", "category", category),
	"consent",
	"purposes",
	{"offers": fx.grant_with("categories", ["outdoor"])}
)

test_a_purchase_for_offers_outside_the_granted_offer_categories_is_denied if {
	d := fx.decide(offers_purchase("books"))
	d.allow == false
	"consent.category_not_granted" in fx.codes(d)
	not "data.no_shareable_fields" in fx.codes(d)
}

test_a_purchase_for_offers_in_a_granted_offer_category_keeps_its_data_categories if {
	d := fx.decide(offers_purchase("outdoor"))
	not "consent.category_not_granted" in fx.codes(d)
	not "data.no_shareable_fields" in fx.codes(d)
}
