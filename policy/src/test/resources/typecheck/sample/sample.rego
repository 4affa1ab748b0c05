package sample

import data.other
import data.sample.util
import rego.v1

n := count(input.items)

bad_count if count(n) > 0

bad_concat := concat(",", n)

msg := sprintf("%d items", n)

upper_size := upper(util.size)

ok if startswith(input.name, "a")

names contains x if {
	some x in {"a", "b"}
	startswith(x, "a")
}

lengths contains l if {
	some x in [1, 2]
	l := upper(x)
}

typo if util.sise > 1

f(x) := x + 1

g if upper(f(1))

h if {
	y := 1
	true
}
