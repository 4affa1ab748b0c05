package docs.authz_test

import data.docs.authz
import rego.v1

test_rule_metadata_is_the_rules_own_annotation if {
	authz.meta == {"title": "Metadata of this rule", "custom": {"level": 2}, "scope": "rule"}
}

test_a_rule_without_annotation_has_empty_metadata if {
	authz.allow_meta == {} with input as {"doc": {"kind": "note"}}
}

test_chain_goes_from_the_rule_to_its_package_and_the_subpackages_scope if {
	authz.chain == [
		{"path": ["docs", "authz", "chain"]},
		{
			"annotations": {"scope": "package", "title": "Document access", "description": "Decides reads of documents."},
			"path": ["docs", "authz"],
		},
		{
			"annotations": {
				"scope": "subpackages",
				"title": "Access policy",
				"description": "Who may read documents.",
				"organizations": ["Lattice"],
			},
			"path": ["docs"],
		},
	]
}

test_allow if authz.allow with input as {"doc": {"kind": "page"}}

test_deny if "not public" in authz.deny with input as {"doc": {"kind": "secret"}}
