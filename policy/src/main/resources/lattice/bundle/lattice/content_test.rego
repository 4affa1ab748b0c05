package lattice.content_test

import data.lattice.fixtures as fx
import rego.v1

test_content_with_the_authors_sharing_consent_is_allowed if {
	d := fx.decide(fx.content)
	d.allow == true
	d.obligations.pseudonymize == ["correlation_id", "id", "member_id", "payload.author_handle", "payload.content_id"]
	d.obligations.redact == []
}

test_content_without_the_authors_sharing_consent_is_denied if {
	d := fx.decide(fx.put2(fx.content, "consent", "purposes", {"marketing": fx.marketing_grant}))
	fx.codes(d) == {"consent.purpose_not_granted"}
	d.reasons[0].message == "member has not granted sharing"
}

test_content_when_the_source_keeps_content_inside_is_denied if {
	nets := fx.networks_with("ski-club", "export", object.union(fx.networks["ski-club"].export, {"content": false}))
	d := fx.decide_with(fx.content, nets)
	fx.codes(d) == {"network.content_export_denied"}
}

test_content_when_the_destination_refuses_content_is_denied if {
	nets := fx.networks_with("book-circle", "import", object.union(fx.networks["book-circle"].import, {"content": false}))
	d := fx.decide_with(fx.content, nets)
	fx.codes(d) == {"network.content_import_denied"}
}

test_content_needs_an_agreement_that_covers_content if {
	nets := fx.put2(fx.networks, "book-circle", "agreements", [{"network": "ski-club", "purposes": ["sharing"]}])
	d := fx.decide_with(fx.content, nets)
	fx.codes(d) == {"transit.no_agreement"}
	contains(d.reasons[0].message, "content")
}
