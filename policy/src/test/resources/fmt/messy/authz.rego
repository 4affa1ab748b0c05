# leading comment

package   example.authz   # trailing on package
import rego.v1
import data.lib.util as u
# rule comment


default allow:=false
allow if {   # on the brace
    input.user == "admin"    # trailing
    # own line inside


    count( input.roles )>0
    x := [1,2,
      3]
    some k, v in input.m
    not k in {"a","b"}
    y := {k2: v2 | some k2, v2 in input.m; v2 != `raw\d`}
    input["foo-bar"].baz == -1
    z := (1 + 2) * 3 - -input.n
    every r in input.roles { startswith(r, "x") }
}
deny contains msg if {
  msg := sprintf("%v",
     [input.x])
} # after close
f(x) := y if { y := x + 1 } else := 0 if { true }
g(x) = 1 if x > 0
# trailing file comment
