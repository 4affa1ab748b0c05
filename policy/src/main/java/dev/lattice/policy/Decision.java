package dev.lattice.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The answer of {@code data.lattice.decision} for one event and one destination.
 *
 * <p>Invariant: when {@code allow} is false, {@code reasons} is never empty. A decision that could
 * not be computed (evaluation error, undefined result) is a deny with reason {@code policy.error}
 * or {@code policy.undefined}: never an allow.
 *
 * @param allow whether the event may be written to the destination (after the obligations)
 * @param reasons why it was denied (may also carry informational reasons when allowed)
 * @param obligations what to do to the event before writing it. On a deny nothing is written; the
 *     obligations then only show what the flow would have needed (the default bundle reports them,
 *     fail-closed denies from the service carry {@link Obligations#NONE})
 * @param bundleRevision the revision of the bundle that decided, for audit and replay
 * @param evalNanos wall time spent evaluating the policy
 * @param explanation the rules that fired; empty unless an explanation was requested
 */
public record Decision(
    boolean allow,
    List<Reason> reasons,
    Obligations obligations,
    String bundleRevision,
    long evalNanos,
    List<FiredRule> explanation) {

  /** Reason code of a decision whose evaluation failed. */
  public static final String POLICY_ERROR = ReasonCodes.POLICY_ERROR;

  /** Reason code of a decision that the policy left undefined (or without {@code allow}). */
  public static final String POLICY_UNDEFINED = ReasonCodes.POLICY_UNDEFINED;

  public Decision {
    reasons = reasons == null ? List.of() : List.copyOf(reasons);
    obligations = obligations == null ? Obligations.NONE : obligations;
    bundleRevision = bundleRevision == null ? "" : bundleRevision;
    explanation = explanation == null ? List.of() : List.copyOf(explanation);
    if (!allow && reasons.isEmpty()) {
      reasons = List.of(new Reason(POLICY_UNDEFINED, "the policy denied without giving a reason"));
    }
  }

  /** A fail-closed deny with one reason. */
  public static Decision deny(String code, String message, String bundleRevision, long evalNanos) {
    Objects.requireNonNull(code, "code");
    return new Decision(
        false,
        List.of(new Reason(code, message)),
        Obligations.NONE,
        bundleRevision,
        evalNanos,
        List.of());
  }

  /** The reason codes, in order. */
  public List<String> reasonCodes() {
    List<String> codes = new ArrayList<>(reasons.size());
    for (Reason r : reasons) codes.add(r.code());
    return codes;
  }

  /**
   * The JSON-like form used in audit records and by the gateway: {@code {allow, reasons,
   * obligations, bundle_revision, eval_nanos}} plus {@code explanation} when present.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("allow", allow);
    m.put("reasons", reasons.stream().map(Reason::toMap).toList());
    m.put("obligations", obligations.toMap());
    m.put("bundle_revision", bundleRevision);
    m.put("eval_nanos", evalNanos);
    if (!explanation.isEmpty()) {
      m.put("explanation", explanation.stream().map(FiredRule::toMap).toList());
    }
    return m;
  }
}
