# A module already in canonical form.
package clean

import rego.v1

default allow := false

allow if input.user == "admin"

allow if {
	some role in input.roles
	role in {"editor", "owner"} # either will do
}

names := [name |
	some user in input.users
	name := user.name
]
