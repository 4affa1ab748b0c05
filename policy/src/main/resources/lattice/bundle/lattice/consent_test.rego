package lattice.consent_test

import data.lattice.fixtures as fx
import rego.v1

test_member_data_with_purpose_consent_is_allowed if {
	d := fx.decide(fx.member_data)
	d.allow == true
	d.reasons == []
}

test_member_data_without_the_purpose_is_denied if {
	d := fx.decide(fx.put2(fx.member_data, "consent", "purposes", {}))
	d.allow == false
	fx.codes(d) == {"consent.purpose_not_granted"}
	d.reasons[0].message == "member has not granted marketing"
}

test_absent_consent_is_denied if {
	d := fx.decide(fx.put(fx.member_data, "consent", {"member_id": "m-42", "version": 0, "purposes": {}}))
	d.allow == false
	"consent.purpose_not_granted" in fx.codes(d)
}

test_a_withdrawn_grant_is_denied if {
	d := fx.decide(fx.member_data_with_grant(fx.grant_with("granted", false)))
	fx.codes(d) == {"consent.purpose_not_granted"}
}

test_an_expired_grant_is_denied if {
	d := fx.decide(fx.member_data_with_grant(fx.grant_with("expires_at", "2026-11-01T00:00:00Z")))
	d.allow == false
	fx.codes(d) == {"consent.expired"}
}

test_a_grant_expiring_later_is_allowed if {
	d := fx.decide(fx.member_data_with_grant(fx.grant_with("expires_at", "2027-01-01T00:00:00Z")))
	d.allow == true
}

test_a_grant_starting_in_the_future_is_denied if {
	d := fx.decide(fx.member_data_with_grant(fx.grant_with("granted_at", "2026-12-01T00:00:00Z")))
	fx.codes(d) == {"consent.not_yet_valid"}
}

test_legitimate_interest_does_not_let_data_leave if {
	d := fx.decide(fx.member_data_with_grant(fx.grant_with("legal_basis", "legitimate_interest")))
	fx.codes(d) == {"consent.legal_basis_insufficient"}
}

test_a_recipient_not_named_in_the_grant_is_denied if {
	d := fx.decide(fx.member_data_with_grant(fx.grant_with("recipients", ["acme"])))
	fx.codes(d) == {"consent.recipient_not_covered"}
}

test_empty_recipients_cover_any_recipient if {
	d := fx.decide(fx.member_data_with_grant(fx.grant_with("recipients", [])))
	d.allow == true
}

test_a_grant_scoped_to_another_network_is_denied if {
	d := fx.decide(fx.member_data_with_grant(fx.grant_with("networks", ["garden-guild"])))
	fx.codes(d) == {"consent.network_not_covered"}
}

test_a_grant_scoped_to_the_source_network_is_allowed if {
	d := fx.decide(fx.member_data_with_grant(fx.grant_with("networks", ["ski-club"])))
	d.allow == true
}

test_gpc_blocks_sharing_with_a_brand if {
	inp := fx.put2(fx.put(fx.member_data, "destination", {"kind": "brand", "id": "acme"}), "consent", "gpc", true)
	d := fx.decide(inp)
	d.allow == false
	"consent.gpc" in fx.codes(d)
}

test_gpc_does_not_block_transit_to_a_partner_network if {
	d := fx.decide(fx.put2(fx.member_data, "consent", "gpc", true))
	d.allow == true
}

test_an_event_without_purpose_is_denied if {
	d := fx.decide(fx.put2(fx.member_data, "event", "purpose", ""))
	"event.purpose_missing" in fx.codes(d)
	d.allow == false
}

test_an_expired_grant_keeps_its_date_out_of_the_message if {
	d := fx.decide(fx.member_data_with_grant(fx.grant_with("expires_at", "2026-11-01T00:00:00Z")))
	some r in d.reasons
	r.code == "consent.expired"
	not contains(r.message, "2026")
	r.detail == {"expires_at": "2026-11-01T00:00:00Z"}
}
