# METADATA
# title: Document access
# description: Decides reads of documents.
package docs.authz

import rego.v1

# METADATA
# title: Allow
# description: True when the document is public.
# entrypoint: true
# authors:
# - Jane Doe <jane@example.com>
# related_resources:
# - https://example.com/docs-policy
# custom:
#   severity: high
default allow := false

allow if input.doc.kind in data.docs.public_kinds

# METADATA
# scope: document
# description: The reasons a read is denied.
deny contains "not public" if not allow

# METADATA
# title: Metadata of this rule
# custom:
#   level: 2
meta := rego.metadata.rule()

allow_meta := rego.metadata.rule() if allow

chain := rego.metadata.chain()
