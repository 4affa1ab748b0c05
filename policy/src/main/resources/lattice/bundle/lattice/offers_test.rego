package lattice.offers_test

import data.lattice.fixtures as fx
import rego.v1

offer_grant := fx.offer.consent.purposes.offers

offer_with_grant(key, value) := fx.put2(fx.offer, "consent", "purposes", {"offers": fx.put(offer_grant, key, value)})

test_an_offer_the_member_consented_to_is_allowed_without_obligations if {
	d := fx.decide(fx.offer)
	d.allow == true
	d.obligations == {"redact": [], "pseudonymize": [], "generalize": {}, "coarsen_time": {}}
}

test_an_offer_without_offers_consent_is_denied if {
	d := fx.decide(fx.put2(fx.offer, "consent", "purposes", {}))
	fx.codes(d) == {"consent.purpose_not_granted"}
}

test_an_offer_from_a_brand_the_member_did_not_choose_is_denied if {
	d := fx.decide(offer_with_grant("recipients", ["globex"]))
	fx.codes(d) == {"consent.recipient_not_covered"}
}

test_an_offer_from_a_brand_the_member_chose_is_allowed if {
	d := fx.decide(offer_with_grant("recipients", ["acme"]))
	d.allow == true
}

test_an_offer_outside_the_members_categories_is_denied if {
	d := fx.decide(offer_with_grant("categories", ["books"]))
	fx.codes(d) == {"consent.category_not_granted"}
}

test_an_offer_in_the_members_categories_is_allowed if {
	d := fx.decide(offer_with_grant("categories", ["outdoor", "books"]))
	d.allow == true
}

test_a_denied_brand_is_refused if {
	d := fx.decide(fx.put2(fx.offer, "event", "brand_id", "shady-bets"))
	fx.codes(d) == {"offer.brand_denied"}
}

test_a_brand_missing_from_the_allow_list_is_refused if {
	inp := fx.put(fx.put2(fx.offer, "event", "brand_id", "globex"), "destination", {"kind": "network", "id": "book-circle"})
	d := fx.decide(inp)
	fx.codes(d) == {"offer.brand_not_allowed"}
}

test_a_blocked_category_is_refused if {
	d := fx.decide(fx.put2(fx.offer, "event", "category", "gambling"))
	fx.codes(d) == {"offer.category_blocked"}
}

test_a_network_that_accepts_no_offers_refuses_them if {
	d := fx.decide(fx.put(fx.offer, "destination", {"kind": "network", "id": "garden-guild"}))
	fx.codes(d) == {"offer.network_closed"}
}

test_an_offer_addressed_to_a_brand_is_refused if {
	d := fx.decide(fx.put(fx.offer, "destination", {"kind": "brand", "id": "acme"}))
	"offer.destination_not_network" in fx.codes(d)
}

test_the_frequency_cap_stops_the_fourth_offer_in_a_day if {
	d := fx.decide(fx.put3(fx.offer, "context", "counters", "member_offers_24h", 3))
	fx.codes(d) == {"offer.frequency_cap"}
}

test_the_per_brand_cap_stops_a_second_offer_from_the_brand if {
	d := fx.decide(fx.put3(fx.offer, "context", "counters", "member_brand_offers_24h", 1))
	fx.codes(d) == {"offer.brand_frequency_cap"}
}

test_the_default_cap_applies_when_the_network_sets_none if {
	nets := fx.networks_with("ski-club", "offers", object.remove(fx.networks["ski-club"].offers, ["frequency_cap"]))
	d := fx.decide_with(fx.put3(fx.offer, "context", "counters", "member_offers_24h", 3), nets)
	fx.codes(d) == {"offer.frequency_cap"}
}

test_no_retargeting_of_a_product_bought_within_the_window if {
	inp := fx.put(fx.offer, "context", object.union(fx.offer.context, {"purchases": [{"sku": "SKI-001", "brand_id": "acme", "at": "2026-11-20T09:00:00Z"}]}))
	d := fx.decide(inp)
	fx.codes(d) == {"offer.recently_purchased"}
}

test_a_product_bought_before_the_window_may_be_offered_again if {
	inp := fx.put(fx.offer, "context", object.union(fx.offer.context, {"purchases": [{"sku": "SKI-001", "brand_id": "acme", "at": "2026-09-01T09:00:00Z"}]}))
	d := fx.decide(inp)
	d.allow == true
}

test_the_suppression_window_is_the_networks if {
	nets := fx.networks_with("ski-club", "offers", object.union(fx.networks["ski-club"].offers, {"suppression_window_days": 120}))
	inp := fx.put(fx.offer, "context", object.union(fx.offer.context, {"purchases": [{"sku": "SKI-001", "brand_id": "acme", "at": "2026-09-01T09:00:00Z"}]}))
	d := fx.decide_with(inp, nets)
	fx.codes(d) == {"offer.recently_purchased"}
}

test_a_purchase_of_another_product_does_not_suppress if {
	d := fx.decide(fx.offer)
	d.allow == true
	fx.offer.context.purchases[0].sku != fx.offer.event.sku
}

test_a_retargeting_reason_names_neither_the_sku_nor_the_date_in_its_message if {
	inp := fx.put(fx.offer, "context", object.union(fx.offer.context, {"purchases": [{"sku": "SKI-001", "brand_id": "acme", "at": "2026-11-20T09:00:00Z"}]}))
	d := fx.decide(inp)
	some r in d.reasons
	r.code == "offer.recently_purchased"
	contains(r.message, "a product the member bought")
	not contains(r.message, "SKI-001")
	not contains(r.message, "2026")
	r.detail == {"sku": "SKI-001", "purchased_at": "2026-11-20T09:00:00Z"}
}

test_a_frequency_cap_reason_keeps_the_members_count_in_its_detail if {
	d := fx.decide(fx.put3(fx.offer, "context", "counters", "member_offers_24h", 7))
	some r in d.reasons
	r.code == "offer.frequency_cap"
	not contains(r.message, "7")
	r.detail == {"received_24h": "7"}
}
