package dev.lattice.policy.internal.rego.eval;

import dev.lattice.policy.internal.rego.ast.Ast.ArrayCompr;
import dev.lattice.policy.internal.rego.ast.Ast.ArrayT;
import dev.lattice.policy.internal.rego.ast.Ast.Assign;
import dev.lattice.policy.internal.rego.ast.Ast.Call;
import dev.lattice.policy.internal.rego.ast.Ast.Entry;
import dev.lattice.policy.internal.rego.ast.Ast.Expr;
import dev.lattice.policy.internal.rego.ast.Ast.Lit;
import dev.lattice.policy.internal.rego.ast.Ast.Local;
import dev.lattice.policy.internal.rego.ast.Ast.ObjectCompr;
import dev.lattice.policy.internal.rego.ast.Ast.ObjectT;
import dev.lattice.policy.internal.rego.ast.Ast.Ref;
import dev.lattice.policy.internal.rego.ast.Ast.Root;
import dev.lattice.policy.internal.rego.ast.Ast.Scalar;
import dev.lattice.policy.internal.rego.ast.Ast.SetCompr;
import dev.lattice.policy.internal.rego.ast.Ast.SetT;
import dev.lattice.policy.internal.rego.ast.Ast.SomeIn;
import dev.lattice.policy.internal.rego.ast.Ast.Term;
import dev.lattice.policy.internal.rego.ast.Ast.TermLit;
import dev.lattice.policy.internal.rego.ast.Ast.Unify;
import dev.lattice.policy.internal.rego.builtins.Builtin;
import dev.lattice.policy.internal.rego.builtins.Builtins;
import dev.lattice.policy.internal.rego.compiler.CRule;
import dev.lattice.policy.internal.rego.compiler.Node;
import dev.lattice.policy.internal.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A term compiled once, when the policy is compiled, for single-valued evaluation: {@link #value}
 * gives what {@link Ev#evalOne} gives for the term (its value, null when undefined, {@link
 * Ev#MULTI} when it iterates) without deciding per evaluation what kind of term it is. References
 * whose head is the input, a local or a rule become a chain of look-ups; calls of built-ins and
 * user functions call their target directly. What depends on the scope is checked at run time:
 * under {@code with} (masked data, replaced functions) an operand evaluates its term as {@link
 * Ev#evalOne} does. Immutable; shared by every evaluation of the policy.
 */
abstract sealed class Operand {

  /** The term's value in a frame of evaluation ev: a value, null (undefined) or Ev.MULTI. */
  abstract Value value(Ev ev, Value[] frame);

  /** The operand of term t. */
  static Operand of(Term t) {
    switch (t) {
      case Scalar s -> {
        return new Constant(s.value());
      }
      case Local l -> {
        return new Slot(l.slot());
      }
      case Root r -> {
        return r.data() ? new General(t) : new InputRoot();
      }
      case Ref r -> {
        Operand[] path = operands(r.path());
        if (r.head() instanceof Root root && !root.data()) return new InputPath(r, path);
        if (r.head() instanceof Local l) return new LocalPath(l.slot(), path);
        if (r.head() instanceof Root && r.baseDepth() > 0) return new BaseDataPath(r, path);
        if (r.head() instanceof Root && r.rule() instanceof Node rule) {
          RulePath reference = new RulePath(r, rule, r.ruleDepth(), path);
          Value folded = rule.foldedValue;
          return folded == null
              ? reference
              : new FoldedRule(reference, folded, r.ruleDepth(), path);
        }
        return new General(t);
      }
      case Call c -> {
        Object target = c.target();
        int arity =
            target instanceof Builtin b ? b.arity() : target instanceof Node n ? n.arity : -1;
        // output arguments and multi-valued built-ins iterate: the general path handles them
        if (arity >= 0 && c.args().size() == arity + 1) return new General(t);
        if (target instanceof Builtin b && !b.multi()) {
          Operand[] args = operands(c.args());
          Operand hot = HotBuiltinCall.of(c, b, args);
          return hot != null ? hot : new BuiltinCall(c, b, args);
        }
        if (target instanceof Node n) {
          Operand[] args = operands(c.args());
          return InlinedCall.fits(n) ? new InlinedCall(c, n, args) : new FunctionCall(c, n, args);
        }
        return new General(t);
      }
      case ArrayT a -> {
        return new Array(operands(a.elems()));
      }
      case ObjectT o -> {
        return new ObjectOperand(o);
      }
      case ArrayCompr a -> {
        return new Comprehension(a, a.head(), a.body());
      }
      case SetCompr s -> {
        return new Comprehension(s, s.head(), s.body());
      }
      case ObjectCompr o -> {
        return new ObjectComprehension(o);
      }
      default -> {
        return new General(t);
      }
    }
  }

  /**
   * The operands of a body evaluated without a plan ({@link Ev#evalBody}), by expression: the term
   * of a test, or the left and right side of an assignment or unification; null for any other
   * expression and for one with {@code with} (its scope differs).
   */
  static Operand[][] ofBody(Expr[] body) {
    Operand[][] out = new Operand[body.length][];
    for (int i = 0; i < body.length; i++) {
      Expr e = body[i];
      if (!e.withs().isEmpty()) continue;
      switch (e.lit()) {
        case TermLit t -> out[i] = new Operand[] {of(t.term())};
        case Assign a -> out[i] = new Operand[] {of(a.left()), of(a.right())};
        case Unify u -> out[i] = new Operand[] {of(u.left()), of(u.right())};
        default -> {}
      }
    }
    return out;
  }

  static Operand[] operands(List<Term> terms) {
    Operand[] out = new Operand[terms.size()];
    for (int i = 0; i < out.length; i++) out[i] = of(terms.get(i));
    return out;
  }

  /** Follows path from cur: the value, null when a step is undefined, MULTI when a key iterates. */
  static Value follow(Value cur, Operand[] path, int from, Ev ev, Value[] frame) {
    for (int i = from; i < path.length; i++) {
      Value key = path[i].value(ev, frame);
      if (key == null || key == Ev.MULTI) return key;
      cur = Ev.lookup(cur, key);
      if (cur == null) return null;
    }
    return cur;
  }

  /**
   * The constant string keys of a reference's path from some position on ({@code input.event.type},
   * {@code grant.granted}: most references), read in place: a look-up per key without calling each
   * key's operand (a megamorphic call, the hottest in the profile) or testing its value.
   */
  static final class ConstantKeys {
    private final String[] names;
    private final Value[] keys;

    private ConstantKeys(String[] names, Value[] keys) {
      this.names = names;
      this.keys = keys;
    }

    /** The keys of path[from..] when every one is a constant string, else null. */
    static ConstantKeys of(Operand[] path, int from) {
      int n = Math.max(0, path.length - from);
      String[] names = new String[n];
      Value[] keys = new Value[n];
      for (int i = 0; i < n; i++) {
        if (!(path[from + i] instanceof Constant c && c.value instanceof Value.Str s)) return null;
        names[i] = s.value;
        keys[i] = s;
      }
      return new ConstantKeys(names, keys);
    }

    /** As {@link Operand#follow} from cur (string keys: base data look-ups are the same). */
    Value follow(Value cur) {
      for (int i = 0; i < names.length; i++) {
        cur = cur instanceof Value.Obj o ? o.get(names[i]) : Ev.lookup(cur, keys[i]);
        if (cur == null) return null;
      }
      return cur;
    }
  }

  /** {@link #evaluate}: an operand was undefined. */
  static final Value[] UNDEFINED = new Value[0];

  /** {@link #evaluate}: an operand iterates. */
  static final Value[] ITERATES = new Value[0];

  /**
   * Evaluates operands into a fresh array; {@link #UNDEFINED} or {@link #ITERATES} (by identity) at
   * the first operand that is undefined or iterates, as evalOne stops there.
   */
  static Value[] evaluate(Operand[] operands, Ev ev, Value[] frame) {
    Value[] out = new Value[operands.length];
    for (int i = 0; i < out.length; i++) {
      Value v = operands[i].value(ev, frame);
      if (v == null) return UNDEFINED;
      if (v == Ev.MULTI) return ITERATES;
      out[i] = v;
    }
    return out;
  }

  /** The evalOne result of a term whose operands gave {@code values}, when they failed. */
  static Value failed(Value[] values) {
    return values == UNDEFINED ? null : Ev.MULTI;
  }

  static boolean failedAny(Value[] values) {
    return values == UNDEFINED || values == ITERATES;
  }

  static final class Constant extends Operand {
    private final Value value;

    Constant(Value value) {
      this.value = value;
    }

    @Override
    Value value(Ev ev, Value[] frame) {
      return value;
    }
  }

  /** A local variable; unbound means the term iterates (the general path binds it). */
  static final class Slot extends Operand {
    private final int slot;

    Slot(int slot) {
      this.slot = slot;
    }

    @Override
    Value value(Ev ev, Value[] frame) {
      Value v = frame[slot];
      return v == null ? Ev.MULTI : v;
    }
  }

  static final class InputRoot extends Operand {
    @Override
    Value value(Ev ev, Value[] frame) {
      return ev.input;
    }
  }

  /** {@code input.a[b]...}: look-ups from the input. */
  static final class InputPath extends Operand {
    private final Operand[] path;
    private final ConstantKeys constantKeys;

    InputPath(Ref ref, Operand[] path) {
      this.path = path;
      this.constantKeys = ConstantKeys.of(path, 0);
    }

    @Override
    Value value(Ev ev, Value[] frame) {
      Value cur = ev.input;
      if (cur == null) return null;
      return constantKeys != null ? constantKeys.follow(cur) : follow(cur, path, 0, ev, frame);
    }
  }

  /** {@code x.a[b]...} with x a local. */
  static final class LocalPath extends Operand {
    private final int slot;
    private final Operand[] path;
    private final ConstantKeys constantKeys;

    LocalPath(int slot, Operand[] path) {
      this.slot = slot;
      this.path = path;
      this.constantKeys = ConstantKeys.of(path, 0);
    }

    @Override
    Value value(Ev ev, Value[] frame) {
      Value cur = frame[slot];
      if (cur == null) return Ev.MULTI;
      return constantKeys != null ? constantKeys.follow(cur) : follow(cur, path, 0, ev, frame);
    }
  }

  /**
   * {@code data.p.r.a[b]...} whose leading constant segments name rule r (resolved by the
   * compiler): r's value, then look-ups. Under {@code with data...} the data tree is walked.
   */
  static final class RulePath extends Operand {
    private final Ref ref;
    private final Node rule;
    private final int ruleDepth;
    private final Operand[] path;
    private final ConstantKeys constantKeys;

    RulePath(Ref ref, Node rule, int ruleDepth, Operand[] path) {
      this.ref = ref;
      this.rule = rule;
      this.ruleDepth = ruleDepth;
      this.path = path;
      this.constantKeys = ConstantKeys.of(path, ruleDepth);
    }

    @Override
    Value value(Ev ev, Value[] frame) {
      if (!ev.masked.isEmpty()) return ev.evalOne(ref, frame);
      Value cur = ev.ruleValue(rule);
      if (cur == null) return null;
      return constantKeys != null
          ? constantKeys.follow(cur)
          : follow(cur, path, ruleDepth, ev, frame);
    }
  }

  /**
   * {@code data.a.b[c]...} whose leading constant segments leave the package tree ({@link
   * Ref#baseDepth}): look-ups in the base data document, as the evaluator's walk of the package
   * tree would end in, without walking it. Under {@code with} that replaces part of the package
   * tree the tree is walked.
   */
  static final class BaseDataPath extends Operand {
    private final Ref ref;
    private final Operand[] path;

    BaseDataPath(Ref ref, Operand[] path) {
      this.ref = ref;
      this.path = path;
    }

    @Override
    Value value(Ev ev, Value[] frame) {
      if (!ev.masked.isEmpty()) return ev.evalOne(ref, frame);
      Value cur = ev.data;
      for (int i = 0; cur != null && i < path.length; i++) {
        Value key = path[i].value(ev, frame);
        if (key == null || key == Ev.MULTI) return key;
        cur = Ev.baseLookup(cur, key);
      }
      return cur;
    }
  }

  /**
   * A {@link RulePath} to a rule folded when the policy was compiled ({@link Node#foldedValue}):
   * its value without evaluating it, then look-ups. Where the fold does not hold ({@link
   * Ev#foldedRulesHold}: other data or functions under {@code with}, trace, coverage) it is the
   * rule reference it replaces.
   */
  static final class FoldedRule extends Operand {
    private final RulePath reference;
    private final Value value;
    private final int ruleDepth;
    private final Operand[] path;
    private final ConstantKeys constantKeys;

    FoldedRule(RulePath reference, Value value, int ruleDepth, Operand[] path) {
      this.reference = reference;
      this.value = value;
      this.ruleDepth = ruleDepth;
      this.path = path;
      this.constantKeys = ConstantKeys.of(path, ruleDepth);
    }

    @Override
    Value value(Ev ev, Value[] frame) {
      if (!ev.foldedRulesHold) return reference.value(ev, frame);
      return constantKeys != null
          ? constantKeys.follow(value)
          : follow(value, path, ruleDepth, ev, frame);
    }
  }

  /** A call of a single-valued built-in; a function replaced by {@code with} takes evalOne. */
  static final class BuiltinCall extends Operand {
    private final Call call;
    private final Builtin builtin;
    private final Operand[] args;

    BuiltinCall(Call call, Builtin builtin, Operand[] args) {
      this.call = call;
      this.builtin = builtin;
      this.args = args;
    }

    @Override
    Value value(Ev ev, Value[] frame) {
      if (!ev.fnOverrides.isEmpty()) return ev.evalOne(call, frame);
      Value[] values = evaluate(args, ev, frame);
      if (failedAny(values)) return failed(values);
      return ev.callBuiltin(builtin, values, call.loc());
    }
  }

  /**
   * A call of one of the built-ins a decision calls most (comparisons, {@code in}, {@code count},
   * {@code object.get}, type tests, {@code sprintf}), computed in place for the argument types it
   * expects: no argument array and no call through {@code Builtin.Fn} (a megamorphic interface call
   * that a profile of EngineCpuTime showed at 7 % of a decision, as much as the built-ins' own
   * work). Other argument types (where the built-in reports a type error) go to the built-in
   * itself, so values and errors are those of {@link BuiltinCall}. A function replaced by {@code
   * with} takes evalOne.
   */
  abstract static sealed class HotBuiltinCall extends Operand {
    final Call call;
    final Builtin builtin;

    HotBuiltinCall(Call call, Builtin builtin) {
      this.call = call;
      this.builtin = builtin;
    }

    /** The specialised operand of a call of b, or null when b is not one of the hot built-ins. */
    static Operand of(Call c, Builtin b, Operand[] args) {
      if (args.length != b.arity()) return null;
      return switch (b.name()) {
        case "equal", "neq", "lt", "lte", "gt", "gte" ->
            new Comparison(c, b, args[0], args[1], b.name());
        case "internal.member_2" -> new Membership(c, b, args[0], args[1]);
        case "count" -> new Count(c, b, args[0]);
        case "object.get" -> new ObjectGet(c, b, args[0], args[1], args[2]);
        case "sprintf" -> Sprintf.of(c, b, args[0], args[1]);
        case "is_number" -> new TypeTest(c, b, args[0], Value.Num.class);
        case "is_string" -> new TypeTest(c, b, args[0], Value.Str.class);
        case "is_boolean" -> new TypeTest(c, b, args[0], Value.Bool.class);
        case "is_array" -> new TypeTest(c, b, args[0], Value.Arr.class);
        case "is_set" -> new TypeTest(c, b, args[0], Value.SetV.class);
        case "is_object" -> new TypeTest(c, b, args[0], Value.Obj.class);
        case "is_null" -> new TypeTest(c, b, args[0], Value.Null.class);
        default -> null;
      };
    }

    /** The built-in's own result for these arguments (types the fast path does not cover). */
    final Value general(Ev ev, Value... values) {
      return ev.callBuiltin(builtin, values, call.loc());
    }
  }

  /** {@code ==}, {@code !=}, {@code <}, {@code <=}, {@code >}, {@code >=} in OPA's total order. */
  static final class Comparison extends HotBuiltinCall {
    private static final int EQUAL = 0,
        NOT_EQUAL = 1,
        LESS = 2,
        AT_MOST = 3,
        MORE = 4,
        AT_LEAST = 5;
    private final Operand left;
    private final Operand right;
    private final int comparison;

    Comparison(Call call, Builtin builtin, Operand left, Operand right, String name) {
      super(call, builtin);
      this.left = left;
      this.right = right;
      this.comparison =
          switch (name) {
            case "equal" -> EQUAL;
            case "neq" -> NOT_EQUAL;
            case "lt" -> LESS;
            case "lte" -> AT_MOST;
            case "gt" -> MORE;
            default -> AT_LEAST;
          };
    }

    @Override
    Value value(Ev ev, Value[] frame) {
      if (!ev.fnOverrides.isEmpty()) return ev.evalOne(call, frame);
      Value a = left.value(ev, frame);
      if (a == null || a == Ev.MULTI) return a;
      Value b = right.value(ev, frame);
      if (b == null || b == Ev.MULTI) return b;
      return Value.bool(
          switch (comparison) {
            case EQUAL -> a.equals(b);
            case NOT_EQUAL -> !a.equals(b);
            case LESS -> a.compareTo(b) < 0;
            case AT_MOST -> a.compareTo(b) <= 0;
            case MORE -> a.compareTo(b) > 0;
            default -> a.compareTo(b) >= 0;
          });
    }
  }

  /** {@code x in collection}. */
  static final class Membership extends HotBuiltinCall {
    private final Operand member;
    private final Operand collection;

    Membership(Call call, Builtin builtin, Operand member, Operand collection) {
      super(call, builtin);
      this.member = member;
      this.collection = collection;
    }

    @Override
    Value value(Ev ev, Value[] frame) {
      if (!ev.fnOverrides.isEmpty()) return ev.evalOne(call, frame);
      Value x = member.value(ev, frame);
      if (x == null || x == Ev.MULTI) return x;
      Value c = collection.value(ev, frame);
      if (c == null || c == Ev.MULTI) return c;
      return Value.bool(Builtins.member(x, c));
    }
  }

  /** {@code count(x)} of an array, set or object; strings and errors go to the built-in. */
  static final class Count extends HotBuiltinCall {
    private final Operand collection;

    Count(Call call, Builtin builtin, Operand collection) {
      super(call, builtin);
      this.collection = collection;
    }

    @Override
    Value value(Ev ev, Value[] frame) {
      if (!ev.fnOverrides.isEmpty()) return ev.evalOne(call, frame);
      Value c = collection.value(ev, frame);
      if (c == null || c == Ev.MULTI) return c;
      return switch (c) {
        case Value.Arr a -> Value.num(a.size());
        case Value.SetV s -> Value.num(s.size());
        case Value.Obj o -> Value.num(o.size());
        default -> general(ev, c);
      };
    }
  }

  /** {@code object.get(o, key, fallback)} with a single key; a key path goes to the built-in. */
  static final class ObjectGet extends HotBuiltinCall {
    private final Operand object;
    private final Operand key;
    private final Operand fallback;

    ObjectGet(Call call, Builtin builtin, Operand object, Operand key, Operand fallback) {
      super(call, builtin);
      this.object = object;
      this.key = key;
      this.fallback = fallback;
    }

    @Override
    Value value(Ev ev, Value[] frame) {
      if (!ev.fnOverrides.isEmpty()) return ev.evalOne(call, frame);
      Value o = object.value(ev, frame);
      if (o == null || o == Ev.MULTI) return o;
      Value k = key.value(ev, frame);
      if (k == null || k == Ev.MULTI) return k;
      Value otherwise = fallback.value(ev, frame);
      if (otherwise == null || otherwise == Ev.MULTI) return otherwise;
      if (!(o instanceof Value.Obj obj) || k instanceof Value.Arr)
        return general(ev, o, k, otherwise);
      Value v = obj.get(k);
      return v == null ? otherwise : v;
    }
  }

  /**
   * {@code sprintf} with a constant format whose verbs are all plain {@code %s} or {@code %v} and
   * an array term of as many arguments (reason messages: {@code sprintf("consent does not cover
   * %s", [id])}): with string arguments the message is the format's literal pieces and the strings
   * joined, without building the argument array or parsing the format on every call. Other argument
   * types go to the built-in.
   */
  static final class Sprintf extends HotBuiltinCall {
    /** The format's text between its verbs: one more than there are arguments. */
    private final String[] pieces;

    private final Value format;
    private final Operand[] arguments;

    private Sprintf(
        Call call, Builtin builtin, String[] pieces, Value format, Operand[] arguments) {
      super(call, builtin);
      this.pieces = pieces;
      this.format = format;
      this.arguments = arguments;
    }

    /** The operand of such a call, or null (the general built-in call). */
    static Operand of(Call call, Builtin builtin, Operand format, Operand arguments) {
      if (!(format instanceof Constant f && f.value instanceof Value.Str text)
          || !(arguments instanceof Array array)) return null;
      List<String> pieces = new ArrayList<>();
      StringBuilder piece = new StringBuilder();
      String fmt = text.value;
      for (int i = 0; i < fmt.length(); i++) {
        char ch = fmt.charAt(i);
        char next = i + 1 < fmt.length() ? fmt.charAt(i + 1) : 0;
        if (ch != '%') {
          piece.append(ch);
        } else if (next == '%') {
          piece.append('%');
          i++;
        } else if (next == 's' || next == 'v') {
          pieces.add(piece.toString());
          piece.setLength(0);
          i++;
        } else {
          return null; // flags, width, precision, other verbs: the built-in formats them
        }
      }
      pieces.add(piece.toString());
      if (pieces.size() != array.elems.length + 1) return null; // %!(MISSING), %!(EXTRA ..)
      return new Sprintf(call, builtin, pieces.toArray(String[]::new), text, array.elems);
    }

    @Override
    Value value(Ev ev, Value[] frame) {
      if (!ev.fnOverrides.isEmpty()) return ev.evalOne(call, frame);
      Value[] values = evaluate(arguments, ev, frame);
      if (failedAny(values)) return failed(values);
      StringBuilder out = new StringBuilder(64);
      out.append(pieces[0]);
      for (int i = 0; i < values.length; i++) {
        if (!(values[i] instanceof Value.Str s)) return general(ev, format, new Value.Arr(values));
        out.append(s.value).append(pieces[i + 1]);
      }
      return Value.str(out.toString());
    }
  }

  /** {@code is_string(x)} and the other type tests: true or false. */
  static final class TypeTest extends HotBuiltinCall {
    private final Operand tested;
    private final Class<? extends Value> type;

    TypeTest(Call call, Builtin builtin, Operand tested, Class<? extends Value> type) {
      super(call, builtin);
      this.tested = tested;
      this.type = type;
    }

    @Override
    Value value(Ev ev, Value[] frame) {
      if (!ev.fnOverrides.isEmpty()) return ev.evalOne(call, frame);
      Value x = tested.value(ev, frame);
      if (x == null || x == Ev.MULTI) return x;
      return Value.bool(type.isInstance(x));
    }
  }

  /** A call of a user function; a function replaced by {@code with} takes evalOne. */
  static final class FunctionCall extends Operand {
    private final Call call;
    private final Node function;
    private final Operand[] args;

    FunctionCall(Call call, Node function, Operand[] args) {
      this.call = call;
      this.function = function;
      this.args = args;
    }

    @Override
    Value value(Ev ev, Value[] frame) {
      if (!ev.fnOverrides.isEmpty()) return ev.evalOne(call, frame);
      Value[] values = evaluate(args, ev, frame);
      if (failedAny(values)) return failed(values);
      return ev.callFunction(function, values, call.loc());
    }
  }

  /**
   * A call of a small user function: every definition single-valued ({@link CRule#singleValued}:
   * plain parameters, tests, bindings and comparisons), no {@code else}, no default, and no
   * comprehension in any body or head ({@code util.get}, {@code util.as_list}, {@code util.reason},
   * {@code util.ns}). Its definitions run in place, each in a fresh frame, without the general
   * call's function-call memo, rule index and depth accounting: for bodies of a few type tests,
   * look-ups and built-in calls the memo key costs more than the evaluation it saves. Takes the
   * general call where that records or replaces things (function replaced by {@code with}, trace,
   * coverage, explain=fails) and when a definition turns out not to be single-valued at run time.
   */
  static final class InlinedCall extends Operand {
    private final Call call;
    private final Node function;
    private final Operand[] args;
    private final CRule[] definitions;

    /**
     * By definition: whether its frame is exactly its parameters in order (no other locals), so the
     * argument array serves as its frame: single-valued steps bind only unbound slots.
     */
    private final boolean[] argumentsAreFrame;

    InlinedCall(Call call, Node function, Operand[] args) {
      this.call = call;
      this.function = function;
      this.args = args;
      this.definitions = function.rules.toArray(CRule[]::new);
      this.argumentsAreFrame = new boolean[definitions.length];
      for (int d = 0; d < definitions.length; d++) {
        CRule def = definitions[d];
        boolean inOrder = def.nslots == def.args.length;
        for (int i = 0; inOrder && i < def.args.length; i++)
          inOrder = ((Local) def.args[i]).slot() == i;
        argumentsAreFrame[d] = inOrder;
      }
    }

    /** Whether calls of function {@code n} can be inlined (see the class comment). */
    static boolean fits(Node n) {
      if (n.kind != Node.Kind.FUNCTION || n.defaultRule != null || n.rules.isEmpty()) return false;
      for (CRule d : n.rules) {
        if (!d.singleValued || d.elseRule != null || d.plan == null) return false;
        if (d.args.length != n.arity || comprehends(d.value)) return false;
        for (Term a : d.args) if (!(a instanceof Local)) return false;
        for (Expr e : d.body) if (!e.withs().isEmpty() || comprehends(e.lit())) return false;
      }
      return true;
    }

    private static boolean comprehends(Lit lit) {
      return switch (lit) {
        case TermLit t -> comprehends(t.term());
        case Assign a -> comprehends(a.left()) || comprehends(a.right());
        case Unify u -> comprehends(u.left()) || comprehends(u.right());
        default -> true;
      };
    }

    private static boolean comprehends(Term t) {
      return switch (t) {
        case null -> false;
        case ArrayCompr a -> true;
        case SetCompr c -> true;
        case ObjectCompr o -> true;
        case Ref r -> comprehends(r.head()) || r.path().stream().anyMatch(InlinedCall::comprehends);
        case Call c -> c.args().stream().anyMatch(InlinedCall::comprehends);
        case ArrayT a -> a.elems().stream().anyMatch(InlinedCall::comprehends);
        case SetT st -> st.elems().stream().anyMatch(InlinedCall::comprehends);
        case ObjectT o ->
            o.entries().stream().anyMatch(e -> comprehends(e.key()) || comprehends(e.value()));
        default -> false;
      };
    }

    @Override
    Value value(Ev ev, Value[] frame) {
      if (!ev.fnOverrides.isEmpty()) return ev.evalOne(call, frame);
      Value[] values = evaluate(args, ev, frame);
      if (failedAny(values)) return failed(values);
      if (ev.trace != null || ev.budget.covered != null || ev.budget.traceFails) {
        return ev.callFunction(function, values, call.loc());
      }
      Value result = null;
      ev.enter(); // nested calls still end in the depth budget, not a stack overflow
      try {
        for (int k = 0; k < definitions.length; k++) {
          CRule d = definitions[k];
          Value[] own = values;
          if (!argumentsAreFrame[k]) {
            own = new Value[d.nslots];
            for (int i = 0; i < values.length; i++) own[((Local) d.args[i]).slot()] = values[i];
          }
          Value v = ev.singleValue(d, 0, own, CompiledBranch.of(d).value);
          if (v == Ev.MULTI) return ev.callFunction(function, values, call.loc());
          if (v != null) result = Ev.functionResult(function, call.loc(), result, v);
        }
      } finally {
        ev.budget.depth--;
      }
      return result;
    }
  }

  static final class Array extends Operand {
    private final Operand[] elems;

    Array(Operand[] elems) {
      this.elems = elems;
    }

    @Override
    Value value(Ev ev, Value[] frame) {
      Value[] values = evaluate(elems, ev, frame);
      return failedAny(values) ? failed(values) : new Value.Arr(values);
    }
  }

  /** An object term: keys and values in order; a key given twice with different values fails. */
  static final class ObjectOperand extends Operand {
    private final ObjectT term;
    private final Operand[] keys;
    private final Operand[] values;

    /**
     * With distinct constant keys (most object terms: {@code {"code": c, "message": m}}), their
     * shape: the object is built without hashing, comparing or sorting its keys; else null.
     */
    private final Value.Obj.Shape shape;

    ObjectOperand(ObjectT term) {
      this.term = term;
      List<Entry> entries = term.entries();
      this.keys = new Operand[entries.size()];
      this.values = new Operand[entries.size()];
      Value[] constantKeys = new Value[keys.length];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = of(entries.get(i).key());
        values[i] = of(entries.get(i).value());
        if (constantKeys != null && entries.get(i).key() instanceof Scalar s)
          constantKeys[i] = s.value();
        else constantKeys = null;
      }
      this.shape =
          constantKeys == null || constantKeys.length == 0
              ? null
              : Value.Obj.Shape.of(constantKeys);
    }

    @Override
    Value value(Ev ev, Value[] frame) {
      if (shape != null) {
        // values in the term's order (the first undefined or iterating one decides), each stored
        // at its key's sorted position
        Value[] byPosition = new Value[values.length];
        for (int i = 0; i < values.length; i++) {
          Value v = values[i].value(ev, frame);
          if (v == null || v == Ev.MULTI) return v;
          byPosition[shape.position(i)] = v;
        }
        return shape.with(byPosition);
      }
      Value.Obj.Builder out = Value.Obj.builder(keys.length);
      for (int i = 0; i < keys.length; i++) {
        Value k = keys[i].value(ev, frame);
        if (k == null || k == Ev.MULTI) return k;
        Value v = values[i].value(ev, frame);
        if (v == null || v == Ev.MULTI) return v;
        Value prev = out.put(k, v);
        if (prev != null && !prev.equals(v)) throw Ev.duplicateKey(term.loc());
      }
      return out.build();
    }
  }

  /**
   * An array or set comprehension: its (ordered) body held as the array the evaluator runs, instead
   * of being copied out of the term on every evaluation; the body runs in the enclosing frame.
   */
  static final class Comprehension extends Operand {
    private final boolean array;
    private final Term head;
    private final Operand headOperand;
    private final Expr[] body;
    private final Operand[][] bodyOperands;

    /**
     * When the body starts with {@code some [k,] v in collection} over plain variables (most
     * comprehensions: {@code [x | some x in xs; ...]}): the collection's operand and the variables'
     * slots (key -1 when there is none), so the members are bound in a loop rather than through the
     * general path's term dispatch and continuations; else null.
     */
    private final Operand members;

    private final int keySlot;
    private final int valueSlot;

    Comprehension(Term term, Term head, List<Expr> body) {
      this.array = term instanceof ArrayCompr;
      this.head = head;
      this.headOperand = of(head);
      this.body = body.toArray(new Expr[0]);
      this.bodyOperands = ofBody(this.body);
      Operand collection = null;
      int key = -1;
      int value = -1;
      if (this.body.length > 0
          && this.body[0].withs().isEmpty()
          && !this.body[0].negated()
          && this.body[0].lit() instanceof SomeIn in
          && in.value() instanceof Local v
          && (in.key() == null || in.key() instanceof Local k && k.slot() != v.slot())) {
        collection = of(in.collection());
        key = in.key() == null ? -1 : ((Local) in.key()).slot();
        value = v.slot();
      }
      this.members = collection;
      this.keySlot = key;
      this.valueSlot = value;
    }

    @Override
    Value value(Ev ev, Value[] frame) {
      if (array) {
        List<Value> out = new ArrayList<>();
        collect(ev, frame, out::add);
        return Value.Arr.of(out);
      }
      // a set's elements go straight into its table, without a list to copy them from
      Value.SetV.Builder out = Value.SetV.builder();
      collect(ev, frame, out::add);
      return out.build();
    }

    private void collect(Ev ev, Value[] frame, Consumer<Value> out) {
      if (!loopOverMembers(ev, frame, out)) ev.collectHeads(head, body, bodyOperands, frame, out);
    }

    /**
     * Collects the heads by looping over the members of the leading {@code some .. in}, as the
     * general path would; false (nothing done) where it does not apply: no such expression, its
     * variables already bound, its collection iterating, or explain=fails (which records failed
     * expressions as the general path evaluates them).
     */
    private boolean loopOverMembers(Ev ev, Value[] frame, Consumer<Value> out) {
      if (members == null
          || ev.budget.traceFails
          || frame[valueSlot] != null
          || keySlot >= 0 && frame[keySlot] != null) return false;
      Value collection = members.value(ev, frame);
      if (collection == Ev.MULTI) return false;
      ev.budget.step();
      if (ev.budget.covered != null) ev.budget.covered.add(body[0].loc());
      if (collection == null) return true;
      Continuation collect =
          () -> {
            Value h = headOperand.value(ev, frame);
            if (h == Ev.MULTI) {
              return ev.evalTerm(
                  head,
                  frame,
                  v -> {
                    out.accept(v);
                    return false;
                  });
            }
            if (h != null) out.accept(h);
            return false;
          };
      try {
        Ev.iterate(
            collection,
            (k, v) -> {
              frame[valueSlot] = v;
              if (keySlot >= 0) frame[keySlot] = k;
              return ev.evalBody(body, bodyOperands, 1, frame, collect);
            });
      } finally {
        frame[valueSlot] = null;
        if (keySlot >= 0) frame[keySlot] = null;
      }
      return true;
    }
  }

  /** An object comprehension (see {@link Comprehension}). */
  static final class ObjectComprehension extends Operand {
    private final ObjectCompr term;
    private final Expr[] body;
    private final Operand[][] bodyOperands;

    ObjectComprehension(ObjectCompr term) {
      this.term = term;
      this.body = term.body().toArray(new Expr[0]);
      this.bodyOperands = ofBody(this.body);
    }

    @Override
    Value value(Ev ev, Value[] frame) {
      return ev.objectComprehension(term, body, bodyOperands, frame);
    }
  }

  /** Any other term: evaluated by {@link Ev#evalOne}. */
  static final class General extends Operand {
    private final Term term;

    General(Term term) {
      this.term = term;
    }

    @Override
    Value value(Ev ev, Value[] frame) {
      return ev.evalOne(term, frame);
    }
  }
}
