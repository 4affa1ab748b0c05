# Small helpers shared by the Lattice packages.
package lattice.util

import rego.v1

# as_list(x) is x when it is an array, [] otherwise (absent values are passed as null by callers).
as_list(x) := x if is_array(x)

as_list(x) := [] if not is_array(x)

# get(obj, key, fallback): object.get that tolerates a non-object obj.
get(obj, key, fallback) := object.get(obj, key, fallback) if is_object(obj)

get(obj, key, fallback) := fallback if not is_object(obj)

# rule_allows(list, x): a network rule list admits x when it holds x or "*".
# An absent or empty list admits nothing (network rules fail closed).
rule_allows(list, x) if "*" in as_list(list)

rule_allows(list, x) if x in as_list(list)

# scope_allows(list, x): a consent scope admits x when it is empty (any) or holds x.
scope_allows(list, x) if count(as_list(list)) == 0

scope_allows(list, x) if x in as_list(list)

# ns(ts): nanoseconds since the epoch of an RFC 3339 timestamp.
ns(ts) := time.parse_rfc3339_ns(ts)

reason(code, message) := {"code": code, "message": message}

# reason_detail(code, message, detail): a reason whose personal values (a purchase's sku and date, a
# consent date, how many offers the member received) go in detail, never in the message. The
# topology seals detail with the member's data key (erasure shreds it); audit messages outlive an
# erasure and must hold no personal values.
reason_detail(code, message, detail) := {"code": code, "message": message, "detail": detail}
