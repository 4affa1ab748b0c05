# Shared fixtures of the default bundle's tests: three networks and one input per flow.
package lattice.fixtures

import rego.v1

networks := {
	"ski-club": {
		"name": "Ski Club",
		"export": {
			"networks": ["book-circle", "garden-guild"],
			"brands": ["acme"],
			"purposes": ["marketing", "sharing", "research"],
			"categories": ["profile", "interests", "contact", "location", "identifiers", "content"],
			"content": true,
			"location_precision": "city",
		},
		"import": {"networks": ["book-circle"], "purposes": ["marketing", "sharing"], "categories": ["*"], "content": true},
		"agreements": [{"network": "book-circle", "purposes": ["marketing", "sharing"], "content": true}],
		"offers": {
			"accept": true,
			"brands_allow": [],
			"brands_deny": ["shady-bets"],
			"blocked_categories": ["gambling", "alcohol"],
			"frequency_cap": {"per_member_24h": 3, "per_member_brand_24h": 1},
			"suppression_window_days": 30,
		},
		"insights": {"enabled": true, "k_anonymity": 10, "brands": ["acme"]},
	},
	"book-circle": {
		"name": "Book Circle",
		"export": {"networks": ["ski-club"], "brands": [], "purposes": ["marketing"], "categories": ["profile"], "content": false},
		"import": {
			"networks": ["ski-club"],
			"purposes": ["marketing", "sharing"],
			"categories": ["profile", "interests", "contact", "location", "identifiers", "content"],
			"content": true,
			"location_precision": "region",
		},
		"agreements": [{"network": "ski-club", "purposes": ["marketing", "sharing"], "content": true}],
		"offers": {"accept": true, "brands_allow": ["acme"], "blocked_categories": []},
		"insights": {"enabled": false},
	},
	"garden-guild": {
		"name": "Garden Guild",
		"export": {"networks": [], "brands": [], "purposes": [], "categories": []},
		"import": {"networks": ["*"], "purposes": ["*"], "categories": ["*"], "content": true},
		"agreements": [],
		"offers": {"accept": false},
	},
}

now := "2026-11-23T10:00:01Z"

now_ns := 1795428001000000000

marketing_grant := {
	"granted": true,
	"categories": ["profile", "interests", "location", "identifiers"],
	"recipients": ["book-circle", "acme"],
	"networks": [],
	"legal_basis": "consent",
	"granted_at": "2026-01-01T00:00:00Z",
	"expires_at": null,
	"source": "api",
}

member_data := {
	"event": {
		"id": "evt-1",
		"type": "member_data",
		"purpose": "marketing",
		"source_network": "ski-club",
		"member_id": "m-42",
		"occurred_at": "2026-11-23T10:00:00Z",
		"payload": {"email": "m42@example.org", "city": "Davos", "interests": ["skiing"], "note": "x", "handle": "@m42"},
		"fields": {
			"payload.email": "contact",
			"payload.city": "location",
			"payload.interests": "interests",
			"payload.note": null,
			"payload.handle": "identifiers",
		},
	},
	"consent": {"member_id": "m-42", "version": 7, "receipt_id": "rcpt-7", "gpc": false, "purposes": {"marketing": marketing_grant}},
	"source_network": "ski-club",
	"destination": {"kind": "network", "id": "book-circle"},
	"context": {"now": now, "now_ns": now_ns, "counters": {}, "purchases": []},
}

content := {
	"event": {
		"id": "evt-2",
		"type": "content",
		"purpose": "sharing",
		"source_network": "ski-club",
		"member_id": "m-42",
		"payload": {"text": "Fresh snow today", "author_handle": "@m42"},
		"fields": {"payload.text": "content", "payload.author_handle": "identifiers"},
	},
	"consent": {"member_id": "m-42", "version": 3, "gpc": false, "purposes": {"sharing": {
		"granted": true,
		"categories": [],
		"recipients": [],
		"networks": ["ski-club"],
		"legal_basis": "consent",
		"granted_at": "2026-01-01T00:00:00Z",
		"expires_at": null,
	}}},
	"source_network": "ski-club",
	"destination": {"kind": "network", "id": "book-circle"},
	"context": {"now": now, "now_ns": now_ns},
}

offer := {
	"event": {
		"id": "evt-3",
		"type": "offer",
		"purpose": "offers",
		"source_network": "ski-club",
		"member_id": "m-42",
		"brand_id": "acme",
		"category": "outdoor",
		"sku": "SKI-001",
		"payload": {"title": "20% off skis"},
		"fields": {},
	},
	"consent": {"member_id": "m-42", "version": 7, "gpc": false, "purposes": {"offers": {
		"granted": true,
		"categories": [],
		"recipients": [],
		"networks": [],
		"legal_basis": "consent",
		"granted_at": "2026-01-01T00:00:00Z",
		"expires_at": null,
	}}},
	"source_network": "ski-club",
	"destination": {"kind": "network", "id": "ski-club"},
	"context": {
		"now": now,
		"now_ns": now_ns,
		"counters": {"member_offers_24h": 2, "member_brand_offers_24h": 0},
		"purchases": [{"sku": "BOOT-007", "brand_id": "acme", "at": "2026-11-20T09:00:00Z"}],
	},
}

insight := {
	"event": {
		"id": "evt-4",
		"type": "insight",
		"purpose": "analytics",
		"source_network": "ski-club",
		"brand_id": "acme",
		"payload": {"offer_id": "o-1", "impressions": 120, "clicks": 14},
		"fields": {"payload.impressions": "aggregate", "payload.clicks": "aggregate"},
	},
	"consent": {"member_id": null, "version": 0, "purposes": {}},
	"source_network": "ski-club",
	"destination": {"kind": "brand", "id": "acme"},
	"context": {"now": now, "now_ns": now_ns, "aggregate": {"count": 12}},
}

# decide(inp): the decision for inp against the fixture networks.
decide(inp) := d if {
	d := data.lattice.decision with input as inp with data.networks as networks
}

# decide_with(inp, nets): the decision for inp against other networks.
decide_with(inp, nets) := d if {
	d := data.lattice.decision with input as inp with data.networks as nets
}

codes(d) := {r.code | some r in d.reasons}

# put(obj, key, value): obj with key replaced (not merged) by value.
put(obj, key, value) := object.union(object.remove(obj, [key]), {key: value})

# put2(obj, k1, k2, value): obj with obj[k1][k2] replaced by value.
put2(obj, k1, k2, value) := put(obj, k1, put(obj[k1], k2, value))

# put3(obj, k1, k2, k3, value): obj with obj[k1][k2][k3] replaced by value.
put3(obj, k1, k2, k3, value) := put(obj, k1, put2(obj[k1], k2, k3, value))

grant_with(key, value) := put(marketing_grant, key, value)

member_data_with_grant(g) := put3(member_data, "consent", "purposes", "marketing", g)

# networks with one network's rule section replaced
networks_with(net, section, value) := put2(networks, net, section, value)
