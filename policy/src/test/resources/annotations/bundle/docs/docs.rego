# METADATA
# title: Access policy
# description: Who may read documents.
# scope: subpackages
# organizations:
# - Lattice
package docs

import rego.v1

public_kinds := {"note", "page"}
