package dev.lattice.policy.internal.decision;

import dev.lattice.policy.ActivationResult;
import dev.lattice.policy.CompiledPolicy;
import dev.lattice.policy.Decision;
import dev.lattice.policy.DecisionService;
import dev.lattice.policy.DecisionServiceConfig;
import dev.lattice.policy.EvalOptions;
import dev.lattice.policy.FiredRule;
import dev.lattice.policy.Obligations;
import dev.lattice.policy.PolicyActivationException;
import dev.lattice.policy.PolicyActivationException.Stage;
import dev.lattice.policy.PreparedQuery;
import dev.lattice.policy.QueryResult;
import dev.lattice.policy.Reason;
import dev.lattice.policy.Rego;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.RuleInfo;
import dev.lattice.policy.TraceEvent;
import dev.lattice.policy.bundle.Bundle;
import dev.lattice.policy.bundle.BundleException;
import dev.lattice.policy.bundle.BundleLoader;
import dev.lattice.policy.bundle.BundleRoots;
import dev.lattice.policy.bundle.BundleSignatureException;
import dev.lattice.policy.bundle.BundleSignatures;
import dev.lattice.policy.bundle.PolicyTestRunner;
import dev.lattice.policy.internal.rego.eval.Engine;
import dev.lattice.policy.internal.rego.eval.SharedRuleMemo;
import dev.lattice.policy.internal.rego.value.Convert;
import dev.lattice.policy.internal.rego.value.Value;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link DecisionService} over one active bundle. The active state (bundle, compiled policy,
 * prepared query) is an immutable snapshot behind a volatile reference: a decision reads it once,
 * so it finishes on the bundle it started with; activations and data updates build a new snapshot
 * and publish it atomically (serialised by this object's lock).
 */
public final class BundleDecisionService implements DecisionService {

  private static final Logger LOGGER = LoggerFactory.getLogger(BundleDecisionService.class);

  /** The query every decision evaluates. */
  public static final String DECISION_QUERY = "data.lattice.decision";

  static final String DECISION_RULE = "data.lattice.decision";

  private static final EvalOptions DECIDE_OPTIONS =
      EvalOptions.defaults().withMaxSteps(2_000_000).withDeadline(Duration.ofSeconds(2));

  /**
   * Input paths that differ for (almost) every decision: the member's consent and context, the
   * member and event ids, the time and the payload. Rules reading them are evaluated per decision;
   * every other rule that provably depends only on data and the input is evaluated once per
   * distinct input at the paths it reads (an offer's network rules: once per offer and network).
   */
  static final List<List<String>> PER_DECISION_INPUT =
      List.of(
          List.of("consent"),
          List.of("context"),
          List.of("event", "member_id"),
          List.of("event", "id"),
          List.of("event", "occurred_at"),
          List.of("event", "payload"));

  /** Shared-part memo entries per compiled policy (cleared when full). */
  static final int SHARED_MEMO_ENTRIES = 100_000;

  private record Compiled(CompiledPolicy policy, PreparedQuery query, SharedRuleMemo memo) {}

  private Compiled compiled(CompiledPolicy policy) {
    if (config.shareDecisions() && policy instanceof Engine engine) {
      Engine.Prepared q = engine.prepare(DECISION_QUERY, true);
      return new Compiled(policy, q, q.shareRules(PER_DECISION_INPUT, SHARED_MEMO_ENTRIES));
    }
    return new Compiled(policy, policy.prepare(DECISION_QUERY), null);
  }

  /**
   * How many rule values the active policy's shared-part memo answered (0 when the memo is off).
   */
  public long sharedMemoHits() {
    SharedRuleMemo m = active.compiled().memo();
    return m == null ? 0 : m.hits();
  }

  /**
   * One bundle plus the documents set outside it. The policy is compiled with that data on first
   * use, so a burst of {@link #putData} calls (restoring many networks) costs one compilation.
   */
  private final class Active {
    final Bundle bundle;
    final Map<String, Object> overlay;
    private volatile Compiled compiled;

    Active(Bundle bundle, Map<String, Object> overlay, Compiled compiled) {
      this.bundle = bundle;
      this.overlay = overlay;
      this.compiled = compiled;
    }

    Bundle bundle() {
      return bundle;
    }

    Map<String, Object> overlay() {
      return overlay;
    }

    Compiled compiled() {
      Compiled c = compiled;
      if (c == null) {
        synchronized (this) {
          c = compiled;
          if (c == null) {
            c =
                BundleDecisionService.this.compiled(
                    Rego.compile(bundle.modules(), merged(bundle.data(), overlay)));
            compiled = c;
          }
        }
      }
      return c;
    }
  }

  private final DecisionServiceConfig config;
  private volatile Active active;

  /**
   * Creates the service and activates {@code initial} (with the same checks as {@link
   * #activate(Path)}).
   *
   * @throws PolicyActivationException when the initial bundle is refused
   */
  public BundleDecisionService(DecisionServiceConfig config, Bundle initial) {
    this.config = config;
    activateBundle(() -> initial);
  }

  @Override
  public Object prepare(Map<String, Object> document) {
    // Converted lazily, as a whole input is: only the members a policy reads are converted, once
    // for all the inputs it is put into.
    return document == null
        ? null
        : dev.lattice.policy.internal.rego.value.Convert.fromJavaLazy(document);
  }

  @Override
  public Decision decide(Map<String, Object> input, boolean explain) {
    Active a = active;
    String revision = a.bundle().revision();
    long start = System.nanoTime();
    EvalOptions options = explain ? DECIDE_OPTIONS.withTrace(true) : DECIDE_OPTIONS;
    PreparedQuery query = a.compiled().query();
    boolean defined;
    Object document;
    List<TraceEvent> trace;
    try {
      if (query instanceof Engine.Prepared engineQuery) {
        // the embedded engine's decision is read from its value: no copy of the result
        trace = explain ? new ArrayList<>() : List.of();
        Value value = engineQuery.evaluateFirst(input, options, explain ? trace : null);
        defined = value != null;
        document = defined ? Convert.view(value) : null;
      } else {
        QueryResult result = query.evaluate(input, options);
        defined = result.defined();
        document = defined ? result.bindings().get(0).get(Rego.EXPRESSION_BINDING) : null;
        trace = result.trace();
      }
    } catch (RegoException e) {
      long nanos = System.nanoTime() - start;
      LOGGER.warn(
          "policy evaluation failed revision={} code={} location={}",
          revision,
          e.code(),
          e.location().map(Object::toString).orElse(""));
      return Decision.deny(
          Decision.POLICY_ERROR,
          "policy evaluation failed ("
              + e.code()
              + e.location().map(l -> " at " + l).orElse("")
              + ")",
          revision,
          nanos);
    } catch (RuntimeException e) {
      long nanos = System.nanoTime() - start;
      LOGGER.error(
          "policy evaluation failed revision={} error={}", revision, e.getClass().getName(), e);
      return Decision.deny(
          Decision.POLICY_ERROR,
          "policy evaluation failed (" + e.getClass().getSimpleName() + ")",
          revision,
          nanos);
    }
    long nanos = System.nanoTime() - start;
    return DecisionReader.read(
        defined,
        document,
        revision,
        nanos,
        explain ? firedRules(trace, a.compiled().policy(), input) : List.of());
  }

  /**
   * The rules that fired, each with its value under the same input: the document at the rule's path
   * (a complete rule's value, a partial rule's whole set or object). A function has no value
   * without arguments, and a path whose evaluation fails has none either: {@code null} then.
   */
  private static List<FiredRule> firedRules(
      List<TraceEvent> trace, CompiledPolicy policy, Map<String, Object> input) {
    Set<String> functions = new java.util.HashSet<>();
    for (RuleInfo rule : policy.rules()) {
      if (rule.function()) {
        functions.add(rule.path());
      }
    }
    Map<String, Object> values = new java.util.HashMap<>();
    Set<FiredRule> fired = new LinkedHashSet<>();
    for (TraceEvent e : trace) {
      if ("fire".equals(e.kind())) {
        String rule = e.rule();
        if (!values.containsKey(rule)) {
          values.put(rule, functions.contains(rule) ? null : valueOf(policy, rule, input));
        }
        fired.add(
            new FiredRule(
                rule, e.location() == null ? "" : e.location().toString(), values.get(rule)));
      }
    }
    return List.copyOf(fired);
  }

  /** The document at {@code path} (a {@code data.…} reference) for {@code input}, or null. */
  private static Object valueOf(CompiledPolicy policy, String path, Map<String, Object> input) {
    try {
      QueryResult result = policy.prepare(path).evaluate(input, DECIDE_OPTIONS);
      return result.defined() ? result.bindings().get(0).get(Rego.EXPRESSION_BINDING) : null;
    } catch (RuntimeException e) {
      // the explanation is best effort: the decision itself was made without it
      LOGGER.debug("no value for fired rule rule={} error={}", path, e.getClass().getSimpleName());
      return null;
    }
  }

  @Override
  public String activeRevision() {
    return active.bundle().revision();
  }

  /** The active bundle (for tooling: its manifest, roots, modules). */
  public Bundle activeBundle() {
    return active.bundle();
  }

  @Override
  public ActivationResult activate(Path bundle) {
    return activateBundle(() -> BundleLoader.load(bundle));
  }

  @Override
  public ActivationResult activate(byte[] bundleTarGz) {
    return activateBundle(() -> BundleLoader.fromTarGz("bundle.tar.gz", bundleTarGz));
  }

  private synchronized ActivationResult activateBundle(Supplier<Bundle> loader) {
    Bundle bundle;
    try {
      bundle = loader.get();
    } catch (BundleException e) {
      throw refused(Stage.LOAD, "", List.of(e.getMessage()), e);
    }
    String rev = bundle.revision();
    try {
      BundleSignatures.verify(bundle, config.verificationKeys());
    } catch (BundleSignatureException e) {
      throw refused(Stage.VERIFY, rev, List.of(e.getMessage()), e);
    }
    Map<String, Object> overlay = active == null ? new TreeMap<>() : active.overlay();
    for (String path : overlay.keySet()) {
      for (String root : bundle.manifest().roots()) {
        if (BundleRoots.overlap(root, path)) {
          throw refused(
              Stage.LOAD,
              rev,
              List.of(
                  "bundle root '"
                      + root
                      + "' overlaps the data document '"
                      + path
                      + "' set outside the bundle"),
              null);
        }
      }
    }
    CompiledPolicy alone;
    try {
      alone = Rego.compile(bundle.modules(), bundle.data());
    } catch (RegoException e) {
      // every compile error, one problem each (file:line:col: code: message)
      throw refused(
          Stage.COMPILE, rev, e.errors().stream().map(RegoException::getMessage).toList(), e);
    }
    if (alone.rules().stream().map(RuleInfo::path).noneMatch(DECISION_RULE::equals)) {
      throw refused(
          Stage.COMPILE, rev, List.of("the bundle defines no " + DECISION_RULE + " rule"), null);
    }
    int testsPassed = 0;
    if (config.runBundleTests()) {
      PolicyTestRunner.Report report = PolicyTestRunner.run(alone, name -> true);
      if (!report.ok()) {
        List<String> problems = new ArrayList<>();
        report.failures().forEach(f -> problems.add(f.describe()));
        problems.add(report.summary());
        throw refused(Stage.TEST, rev, problems, null);
      }
      testsPassed = report.passed();
    }
    Active next;
    try {
      next = new Active(bundle, overlay, overlay.isEmpty() ? compiled(alone) : null);
      next.compiled();
    } catch (RegoException e) {
      throw refused(Stage.COMPILE, rev, List.of(e.getMessage()), e);
    }
    String previous = active == null ? "" : active.bundle().revision();
    active = next;
    LOGGER.info(
        "policy bundle activated revision={} previous={} tests={}", rev, previous, testsPassed);
    return new ActivationResult(rev, previous, testsPassed, bundle.manifest().roots());
  }

  private static PolicyActivationException refused(
      Stage stage, String revision, List<String> problems, Throwable cause) {
    LOGGER.warn(
        "policy bundle refused stage={} revision={} problems={}", stage, revision, problems.size());
    return new PolicyActivationException(stage, revision, problems, cause);
  }

  @Override
  public synchronized void putData(String path, Object document) {
    String p = normalize(path);
    for (String root : active.bundle().manifest().roots()) {
      if (BundleRoots.overlap(root, p)) {
        throw new IllegalArgumentException(
            "data path '" + p + "' lies inside the active bundle's root '" + root + "'");
      }
    }
    Map<String, Object> overlay = new TreeMap<>(active.overlay());
    // a document replaces any document set at or below its path
    overlay.keySet().removeIf(k -> BundleRoots.contains(p, k));
    overlay.put(p, document);
    recompile(overlay);
  }

  @Override
  public synchronized void removeData(String path) {
    String p = normalize(path);
    if (!active.overlay().containsKey(p)) return;
    Map<String, Object> overlay = new TreeMap<>(active.overlay());
    overlay.remove(p);
    recompile(overlay);
  }

  /** Publishes the new data; the policy is recompiled with it by the next decision. */
  private void recompile(Map<String, Object> overlay) {
    active = new Active(active.bundle(), overlay, null);
  }

  private static String normalize(String path) {
    String p = path == null ? "" : path.trim();
    while (p.startsWith("/")) p = p.substring(1);
    while (p.endsWith("/")) p = p.substring(0, p.length() - 1);
    if (p.isEmpty()) throw new IllegalArgumentException("data path must not be empty");
    return p;
  }

  /**
   * The bundle's data with every overlay document set at its path (overlay paths sorted, so parents
   * first).
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> merged(Map<String, Object> data, Map<String, Object> overlay) {
    Map<String, Object> root = new LinkedHashMap<>(data);
    for (var e : overlay.entrySet()) {
      String[] segs = e.getKey().split("/");
      Map<String, Object> node = root;
      for (int i = 0; i < segs.length - 1; i++) {
        Object child = node.get(segs[i]);
        Map<String, Object> copy =
            child instanceof Map<?, ?> m
                ? new LinkedHashMap<>((Map<String, Object>) m)
                : new LinkedHashMap<>();
        node.put(segs[i], copy);
        node = copy;
      }
      node.put(segs[segs.length - 1], e.getValue());
    }
    return root;
  }

  /** Turns the value of {@code data.lattice.decision} into a {@link Decision}, failing closed. */
  static final class DecisionReader {
    private DecisionReader() {}

    /**
     * @param defined whether the query had a value
     * @param value the decision document as JSON-like Java (a copy or a read-only view)
     */
    static Decision read(
        boolean defined, Object value, String revision, long nanos, List<FiredRule> explanation) {
      if (!defined) {
        return withExplanation(
            Decision.deny(
                Decision.POLICY_UNDEFINED,
                "the policy gave no decision for this input",
                revision,
                nanos),
            explanation);
      }
      if (!(value instanceof Map<?, ?> doc) || !(doc.get("allow") instanceof Boolean allow)) {
        return withExplanation(
            Decision.deny(
                Decision.POLICY_UNDEFINED,
                "the policy's decision has no boolean allow",
                revision,
                nanos),
            explanation);
      }
      try {
        List<Reason> reasons = reasons(doc.get("reasons"));
        Obligations obligations = obligations(doc.get("obligations"));
        return new Decision(allow, reasons, obligations, revision, nanos, explanation);
      } catch (IllegalArgumentException e) {
        return withExplanation(
            Decision.deny(
                Decision.POLICY_ERROR, "malformed decision: " + e.getMessage(), revision, nanos),
            explanation);
      }
    }

    private static Decision withExplanation(Decision d, List<FiredRule> explanation) {
      return new Decision(
          d.allow(), d.reasons(), d.obligations(), d.bundleRevision(), d.evalNanos(), explanation);
    }

    private static List<Reason> reasons(Object raw) {
      if (raw == null) return List.of();
      if (!(raw instanceof List<?> list))
        throw new IllegalArgumentException("reasons is not an array");
      List<Reason> out = new ArrayList<>();
      for (Object o : list) {
        if (!(o instanceof Map<?, ?> m) || !(m.get("code") instanceof String code)) {
          throw new IllegalArgumentException("a reason has no string code");
        }
        Object msg = m.get("message");
        out.add(new Reason(code, msg == null ? "" : msg.toString(), detail(m.get("detail"))));
      }
      return out;
    }

    /** A reason's personal values: an object whose values are rendered as strings. */
    private static Map<String, String> detail(Object raw) {
      if (raw == null) return Map.of();
      if (!(raw instanceof Map<?, ?> m))
        throw new IllegalArgumentException("a reason's detail is not an object");
      Map<String, String> out = new LinkedHashMap<>();
      for (var e : m.entrySet()) {
        out.put(e.getKey().toString(), String.valueOf(e.getValue()));
      }
      return out;
    }

    private static Map<String, String> levels(Object raw, String name) {
      Map<String, String> out = new LinkedHashMap<>();
      if (raw == null) return out;
      if (!(raw instanceof Map<?, ?> gm))
        throw new IllegalArgumentException("obligations." + name + " is not an object");
      for (var e : gm.entrySet()) {
        if (!(e.getValue() instanceof String level))
          throw new IllegalArgumentException("obligations." + name + " values must be strings");
        out.put(e.getKey().toString(), level);
      }
      return out;
    }

    private static Obligations obligations(Object raw) {
      if (raw == null) return Obligations.NONE;
      if (!(raw instanceof Map<?, ?> m))
        throw new IllegalArgumentException("obligations is not an object");
      return new Obligations(
          strings(m.get("redact"), "redact"),
          strings(m.get("pseudonymize"), "pseudonymize"),
          levels(m.get("generalize"), "generalize"),
          levels(m.get("coarsen_time"), "coarsen_time"));
    }

    private static List<String> strings(Object raw, String name) {
      if (raw == null) return List.of();
      if (!(raw instanceof List<?> list))
        throw new IllegalArgumentException("obligations." + name + " is not an array");
      List<String> out = new ArrayList<>();
      for (Object o : list) {
        if (!(o instanceof String s))
          throw new IllegalArgumentException("obligations." + name + " holds a non-string");
        out.add(s);
      }
      return out;
    }
  }
}
