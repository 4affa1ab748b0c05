package dev.lattice.policy.internal.rego.builtins;

import static dev.lattice.policy.internal.rego.builtins.Args.str;
import static dev.lattice.policy.internal.rego.builtins.Builtins.add;

import dev.lattice.policy.RegoException;
import dev.lattice.policy.internal.rego.ast.Ast;
import dev.lattice.policy.internal.rego.parser.Parser;
import dev.lattice.policy.internal.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code rego.parse_module(filename, source)}: the module as OPA's JSON syntax tree — {@code
 * package.path}, {@code imports[].path}/{@code alias}, {@code rules[]} with {@code head} ({@code
 * name}, {@code ref}, {@code args}, {@code key}, {@code value}, {@code assign}), {@code body},
 * {@code default}, {@code else} — every term as {@code {"type": ..., "value": ...}}, without
 * locations (OPA leaves them out unless asked). The tree is the parsed module, before compilation:
 * imports are not resolved, {@code _} is {@code $N}, operators are calls of their built-in ({@code
 * x == y} is {@code equal(x, y)}, {@code x in xs} is {@code internal.member_2(x, xs)}). A syntax
 * error is an {@code eval_builtin_error} with OPA's frame ({@code 1 error occurred: file:line:
 * rego_parse_error: …}).
 */
final class RegoModules {
  private RegoModules() {}

  static void register() {
    add(
        "rego.parse_module",
        2,
        (a, c) -> {
          String file = str(a, 0), source = str(a, 1);
          Ast.RegoModuleAst m;
          try {
            m = Parser.parseModule(file, source);
          } catch (RegoException e) {
            List<RegoException> all = e.errors();
            StringBuilder msg =
                new StringBuilder(
                    all.size() == 1 ? "1 error occurred: " : all.size() + " errors occurred:\n");
            for (int i = 0; i < all.size(); i++) {
              RegoException x = all.get(i);
              if (i > 0) msg.append('\n');
              x.location()
                  .ifPresent(l -> msg.append(l.file()).append(':').append(l.line()).append(": "));
              msg.append(x.code()).append(": ").append(x.detail());
            }
            throw BuiltinException.error(msg.toString());
          }
          c.step(m.rules().size() + 1L);
          return module(m);
        });
  }

  static Value module(Ast.RegoModuleAst m) {
    Map<String, Value> out = new TreeMap<>();
    List<Value> path = new ArrayList<>();
    path.add(term("var", Value.str("data")));
    for (String s : m.pkg()) path.add(term("string", Value.str(s)));
    out.put("package", obj(Map.of("path", arr(path))));
    if (!m.imports().isEmpty()) {
      List<Value> imports = new ArrayList<>();
      for (Ast.Import i : m.imports()) {
        Map<String, Value> im = new TreeMap<>();
        im.put("path", term(i.path()));
        if (i.alias() != null) im.put("alias", Value.str(i.alias()));
        imports.add(obj(im));
      }
      out.put("imports", arr(imports));
    }
    if (!m.rules().isEmpty()) {
      List<Value> rules = new ArrayList<>();
      for (Ast.Rule r : m.rules()) rules.add(rule(r, null));
      out.put("rules", arr(rules));
    }
    return obj(out);
  }

  /** A rule; an {@code else} branch has no head of its own and takes its parent's name. */
  private static Value rule(Ast.Rule r, Ast.Rule parent) {
    Map<String, Value> out = new TreeMap<>();
    Map<String, Value> head = new TreeMap<>();
    List<Value> ref = new ArrayList<>();
    Ast.Term headTerm = r.head() != null || parent == null ? r.head() : parent.head();
    if (headTerm == null) {
      // nothing to name
    } else if (headTerm instanceof Ast.Var v) {
      head.put("name", Value.str(v.name()));
      ref.add(term("var", Value.str(v.name())));
    } else if (headTerm instanceof Ast.Ref hr) {
      if (hr.head() instanceof Ast.Var v && hr.path().size() == 1 && isVarLike(hr.path().get(0)))
        head.put("name", Value.str(v.name()));
      for (Value t : refTerms(hr)) ref.add(t);
      if (r.key() == null && !hr.path().isEmpty()) {
        Ast.Term last = hr.path().get(hr.path().size() - 1);
        if (isVarLike(last)) head.put("key", term(last));
      }
    } else {
      ref.add(term(headTerm));
    }
    if (!ref.isEmpty()) head.put("ref", arr(ref));
    List<Ast.Term> argTerms = r.args() != null || parent == null ? r.args() : parent.args();
    if (argTerms != null) {
      List<Value> args = new ArrayList<>();
      for (Ast.Term t : argTerms) args.add(term(t));
      head.put("args", arr(args));
    }
    if (r.key() != null) head.put("key", term(r.key()));
    if (r.value() != null) head.put("value", term(r.value()));
    else if (r.key() == null) head.put("value", term("boolean", Value.TRUE));
    if (r.assign()) head.put("assign", Value.TRUE);
    out.put("head", obj(head));
    out.put("body", body(r.body()));
    if (r.isDefault()) out.put("default", Value.TRUE);
    if (r.elseRule() != null) out.put("else", rule(r.elseRule(), parent == null ? r : parent));
    return obj(out);
  }

  private static boolean isVarLike(Ast.Term t) {
    return t instanceof Ast.Var;
  }

  private static Value body(List<Ast.Expr> body) {
    List<Value> out = new ArrayList<>();
    if (body == null || body.isEmpty()) {
      out.add(expr(0, term("boolean", Value.TRUE), false, List.of()));
      return arr(out);
    }
    for (int i = 0; i < body.size(); i++) {
      Ast.Expr e = body.get(i);
      out.add(expr(i, lit(e.lit()), e.negated(), e.withs()));
    }
    return arr(out);
  }

  private static Value expr(int index, Value terms, boolean negated, List<Ast.With> withs) {
    Map<String, Value> out = new TreeMap<>();
    out.put("index", Value.num(index));
    out.put("terms", terms);
    if (negated) out.put("negated", Value.TRUE);
    if (withs != null && !withs.isEmpty()) {
      List<Value> ws = new ArrayList<>();
      for (Ast.With w : withs)
        ws.add(obj(Map.of("target", refTerm(w.target()), "value", term(w.value()))));
      out.put("with", arr(ws));
    }
    return obj(out);
  }

  private static Value lit(Ast.Lit lit) {
    return switch (lit) {
      case Ast.TermLit t -> t.term() instanceof Ast.Call call ? callTerms(call) : term(t.term());
      case Ast.Unify u -> arr(List.of(operator("eq"), term(u.left()), term(u.right())));
      case Ast.Assign as -> arr(List.of(operator("assign"), term(as.left()), term(as.right())));
      case Ast.SomeDecl s -> {
        List<Value> symbols = new ArrayList<>();
        for (Ast.Term t : s.vars()) symbols.add(term(t));
        yield obj(Map.of("symbols", arr(symbols)));
      }
      case Ast.SomeIn s -> {
        List<Value> call = new ArrayList<>();
        call.add(operator(s.key() == null ? "internal.member_2" : "internal.member_3"));
        if (s.key() != null) call.add(term(s.key()));
        call.add(term(s.value()));
        call.add(term(s.collection()));
        yield obj(Map.of("symbols", arr(List.of(term("call", arr(call))))));
      }
      case Ast.Every ev -> {
        Map<String, Value> out = new TreeMap<>();
        out.put("key", ev.key() == null ? Value.NULL : term(ev.key()));
        out.put("value", term(ev.value()));
        out.put("domain", term(ev.domain()));
        out.put("body", body(ev.body()));
        yield obj(out);
      }
    };
  }

  /** An operator or function name as OPA's ref term: {@code a.b} is {@code [var a, string b]}. */
  private static Value operator(String name) {
    String[] parts = name.split("\\.");
    List<Value> ref = new ArrayList<>();
    ref.add(term("var", Value.str(parts[0])));
    for (int i = 1; i < parts.length; i++) ref.add(term("string", Value.str(parts[i])));
    return term("ref", arr(ref));
  }

  private static Value callTerms(Ast.Call call) {
    List<Value> out = new ArrayList<>();
    out.add(operator(call.name()));
    for (Ast.Term a : call.args()) out.add(term(a));
    return arr(out);
  }

  /** A {@code with} target, always a reference in OPA's tree ({@code input} is {@code [input]}). */
  private static Value refTerm(Ast.Term t) {
    if (t instanceof Ast.Ref) return term(t);
    return term("ref", arr(List.of(term(t))));
  }

  private static List<Value> refTerms(Ast.Ref r) {
    List<Value> out = new ArrayList<>();
    out.add(term(r.head()));
    for (Ast.Term p : r.path()) out.add(term(p));
    return out;
  }

  static Value term(Ast.Term t) {
    if (t == null) return Value.NULL;
    return switch (t) {
      case Ast.Scalar s -> value(s.value());
      case Ast.Var v ->
          term("var", Value.str(v.wildcard() ? "$" + v.name().substring(2) : v.name()));
      case Ast.Local l -> term("var", Value.str(l.name()));
      case Ast.Root r -> term("var", Value.str(r.data() ? "data" : "input"));
      case Ast.Ref r -> term("ref", arr(refTerms(r)));
      case Ast.ArrayT a -> term("array", arr(a.elems().stream().map(RegoModules::term).toList()));
      case Ast.SetT s -> term("set", arr(s.elems().stream().map(RegoModules::term).toList()));
      case Ast.ObjectT o -> {
        List<Value> entries = new ArrayList<>();
        for (Ast.Entry e : o.entries()) entries.add(arr(List.of(term(e.key()), term(e.value()))));
        yield term("object", arr(entries));
      }
      case Ast.Call c -> term("call", callTerms(c));
      case Ast.ArrayCompr c ->
          term("arraycomprehension", obj(Map.of("term", term(c.head()), "body", body(c.body()))));
      case Ast.SetCompr c ->
          term("setcomprehension", obj(Map.of("term", term(c.head()), "body", body(c.body()))));
      case Ast.ObjectCompr c ->
          term(
              "objectcomprehension",
              obj(Map.of("key", term(c.key()), "value", term(c.value()), "body", body(c.body()))));
    };
  }

  private static Value value(Value v) {
    return switch (v) {
      case Value.Null n -> term("null", Value.NULL);
      case Value.Bool b -> term("boolean", b);
      case Value.Num n -> term("number", n);
      case Value.Str s -> term("string", s);
      case Value.Arr a -> term("array", arr(a.list().stream().map(RegoModules::value).toList()));
      case Value.SetV s ->
          term("set", arr(s.sortedList().stream().map(RegoModules::value).toList()));
      case Value.Obj o -> {
        List<Value> entries = new ArrayList<>();
        o.map().forEach((k, x) -> entries.add(arr(List.of(value(k), value(x)))));
        yield term("object", arr(entries));
      }
    };
  }

  private static Value term(String type, Value value) {
    Map<String, Value> m = new TreeMap<>();
    m.put("type", Value.str(type));
    m.put("value", value);
    return obj(m);
  }

  private static Value arr(List<Value> l) {
    return Value.Arr.of(l);
  }

  private static Value obj(Map<String, Value> m) {
    Map<Value, Value> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(Value.str(k), v));
    return Value.Obj.of(out);
  }
}
