package dev.lattice.policy.internal.rego.builtins;

import static dev.lattice.policy.internal.rego.builtins.Args.*;
import static dev.lattice.policy.internal.rego.builtins.Builtins.add;

import dev.lattice.policy.internal.rego.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code strings.render_template}: Go's {@code text/template} as OPA runs it (template name {@code
 * template}; a key the variables do not have prints {@code <undefined>}, as current OPA renders it,
 * is false in {@code if}/{@code with} and empty in {@code range}), for the part of the language
 * policies use: text, {@code {{.a.b}}}, {@code $} and variables, string/number/boolean literals,
 * {@code if}/{@code else}/{@code end}, {@code range} (with {@code $i, $v :=}), {@code with},
 * comments, trim markers {@code {{-}} / {@code -}}}, and the functions {@code len}, {@code index},
 * {@code eq}, {@code ne}, {@code not}, {@code and}, {@code or}. Values print as Go's {@code %v}.
 */
final class Templates {
  private Templates() {}

  /**
   * The value of a field the variables do not have (OPA's test case {@code
   * rendertemplate/missingmultiplekeys}: {@code test {{.foo}} {{.bar}} {{.baz}}} over {@code
   * {"baz": 1}} renders {@code test <undefined> <undefined> 1}); compared by identity.
   */
  static final Value MISSING = Value.str("<undefined>");

  static void register() {
    add(
        "strings.render_template",
        2,
        (a, c) -> {
          String src = str(a, 0);
          Value.Obj vars = obj(a, 1);
          List<Node> nodes = new Parser(src).parse();
          StringBuilder out = new StringBuilder();
          new Exec(src, out, c).run(nodes, vars, new HashMap<>(Map.of("$", vars)));
          return Value.str(out.toString());
        });
  }

  // ------------------------------------------------------------------ syntax

  sealed interface Node {}

  record Text(String text) implements Node {}

  /** {@code {{pipeline}}}, or an {@code if}/{@code range}/{@code with} block. */
  record Action(String kind, List<String> words, int pos, List<Node> body, List<Node> orElse)
      implements Node {}

  static BuiltinException error(String src, int pos, String msg) {
    int line = 1, col = 0;
    for (int i = 0; i < pos && i < src.length(); i++) {
      if (src.charAt(i) == '\n') {
        line++;
        col = 0;
      } else col++;
    }
    return BuiltinException.error("template: template:" + line + ":" + col + ": " + msg);
  }

  private static final class Parser {
    final String src;
    int p;

    Parser(String src) {
      this.src = src;
    }

    /** Text and actions, with trim markers applied. Each action: [kind, words, pos]. */
    List<Object[]> lex() {
      List<Object[]> items = new ArrayList<>();
      StringBuilder text = new StringBuilder();
      while (p < src.length()) {
        int open = src.indexOf("{{", p);
        if (open < 0) {
          text.append(src, p, src.length());
          p = src.length();
          break;
        }
        text.append(src, p, open);
        int start = open + 2;
        if (src.startsWith("- ", start)
            || src.startsWith("-\t", start)
            || src.startsWith("-\n", start)) {
          while (text.length() > 0 && Character.isWhitespace(text.charAt(text.length() - 1)))
            text.setLength(text.length() - 1);
          start += 1;
        }
        int close = src.indexOf("}}", start);
        if (close < 0) throw error(src, open, "unclosed action");
        boolean trimRight =
            close > start
                && src.charAt(close - 1) == '-'
                && Character.isWhitespace(src.charAt(close - 2));
        String body = src.substring(start, trimRight ? close - 1 : close).strip();
        if (text.length() > 0) items.add(new Object[] {"text", text.toString(), open});
        text.setLength(0);
        p = close + 2;
        if (trimRight) while (p < src.length() && Character.isWhitespace(src.charAt(p))) p++;
        if (body.startsWith("/*")) continue;
        int bodyPos = src.indexOf(body.isEmpty() ? "}}" : body, start);
        items.add(new Object[] {"action", body, bodyPos});
      }
      if (text.length() > 0) items.add(new Object[] {"text", text.toString(), p});
      return items;
    }

    int i;
    List<Object[]> items;

    List<Node> parse() {
      items = lex();
      List<Node> nodes = block(false);
      if (i < items.size())
        throw error(src, (int) items.get(i)[2], "unexpected {{" + items.get(i)[1] + "}}");
      return nodes;
    }

    /** Nodes until {@code end} or {@code else} (left for the caller) or the end of input. */
    private List<Node> block(boolean inside) {
      List<Node> out = new ArrayList<>();
      while (i < items.size()) {
        Object[] it = items.get(i);
        if (it[0].equals("text")) {
          out.add(new Text((String) it[1]));
          i++;
          continue;
        }
        List<String> words = words((String) it[1], (int) it[2]);
        String first = words.isEmpty() ? "" : words.get(0);
        if (first.equals("end") || first.equals("else")) {
          if (!inside) throw error(src, (int) it[2], "unexpected {{" + first + "}}");
          return out;
        }
        i++;
        if (first.equals("if") || first.equals("range") || first.equals("with")) {
          List<Node> body = block(true);
          List<Node> orElse = List.of();
          if (i >= items.size()) throw error(src, (int) it[2], "unexpected EOF");
          List<String> closing = words((String) items.get(i)[1], (int) items.get(i)[2]);
          i++;
          if (closing.get(0).equals("else")) {
            if (closing.size() > 1) {
              // {{else if ...}}: a nested if that shares the end
              List<Node> inner = block(true);
              List<Node> innerElse = List.of();
              List<String> c2 = words((String) items.get(i)[1], (int) items.get(i)[2]);
              i++;
              if (c2.get(0).equals("else")) {
                innerElse = block(true);
                i++;
              }
              orElse =
                  List.of(
                      new Action(
                          closing.get(1),
                          closing.subList(2, closing.size()),
                          (int) it[2],
                          inner,
                          innerElse));
            } else {
              orElse = block(true);
              if (i >= items.size()) throw error(src, (int) it[2], "unexpected EOF");
              i++;
            }
          }
          out.add(new Action(first, words.subList(1, words.size()), (int) it[2], body, orElse));
        } else {
          out.add(new Action("print", words, (int) it[2], List.of(), List.of()));
        }
      }
      if (inside) throw error(src, src.length(), "unexpected EOF");
      return out;
    }

    private List<String> words(String body, int pos) {
      List<String> out = new ArrayList<>();
      int k = 0;
      while (k < body.length()) {
        char ch = body.charAt(k);
        if (Character.isWhitespace(ch)) {
          k++;
        } else if (ch == '"' || ch == '`') {
          int end = k + 1;
          while (end < body.length() && body.charAt(end) != ch)
            end += body.charAt(end) == '\\' && ch == '"' ? 2 : 1;
          if (end >= body.length()) throw error(src, pos, "unterminated quoted string");
          out.add(body.substring(k, end + 1));
          k = end + 1;
        } else if (ch == '(' || ch == ')' || ch == '|') {
          throw error(src, pos, "parenthesised pipelines are not supported");
        } else {
          int end = k;
          while (end < body.length() && !Character.isWhitespace(body.charAt(end))) end++;
          out.add(body.substring(k, end));
          k = end;
        }
      }
      return out;
    }
  }

  // ------------------------------------------------------------------ execution

  private record Exec(String src, StringBuilder out, BuiltinContext ctx) {
    void run(List<Node> nodes, Value dot, Map<String, Value> vars) {
      for (Node n : nodes) {
        ctx.step(1);
        switch (n) {
          case Text t -> out.append(t.text());
          case Action a when a.kind().equals("print") -> {
            if (a.words().size() >= 3 && a.words().get(1).equals(":=")) {
              vars.put(
                  a.words().get(0),
                  eval(a.words().subList(2, a.words().size()), dot, vars, a.pos()));
            } else {
              out.append(show(eval(a.words(), dot, vars, a.pos())));
            }
          }
          case Action a when a.kind().equals("if") -> {
            if (truthy(eval(a.words(), dot, vars, a.pos()))) run(a.body(), dot, vars);
            else run(a.orElse(), dot, vars);
          }
          case Action a when a.kind().equals("with") -> {
            Value v = eval(a.words(), dot, vars, a.pos());
            if (truthy(v)) run(a.body(), v, vars);
            else run(a.orElse(), dot, vars);
          }
          case Action a -> range(a, dot, vars);
        }
      }
    }

    private void range(Action a, Value dot, Map<String, Value> vars) {
      List<String> w = a.words();
      String keyVar = null, valVar = null;
      int decl = w.indexOf(":=");
      if (decl >= 0) {
        List<String> names = new ArrayList<>();
        for (String s : w.subList(0, decl)) names.add(s.replace(",", ""));
        names.removeIf(String::isEmpty);
        if (names.size() == 1) valVar = names.get(0);
        else {
          keyVar = names.get(0);
          valVar = names.get(1);
        }
        w = w.subList(decl + 1, w.size());
      }
      Value coll = eval(w, dot, vars, a.pos());
      List<Value[]> entries = new ArrayList<>();
      switch (coll) {
        case Value.Arr arr -> {
          for (int i = 0; i < arr.size(); i++) entries.add(new Value[] {Value.num(i), arr.get(i)});
        }
        case Value.SetV set -> {
          int i = 0;
          for (Value v : set.sortedList()) entries.add(new Value[] {Value.num(i++), v});
        }
        case Value.Obj obj -> {
          for (Map.Entry<Value, Value> e : obj.map().entrySet())
            entries.add(new Value[] {e.getKey(), e.getValue()});
        }
        case Value.Null n -> {}
        case Value v when v == MISSING -> {}
        default -> throw error(src, a.pos(), "range can't iterate over " + show(coll));
      }
      if (entries.isEmpty()) {
        run(a.orElse(), dot, vars);
        return;
      }
      for (Value[] e : entries) {
        Map<String, Value> scope = new HashMap<>(vars);
        if (keyVar != null) scope.put(keyVar, e[0]);
        if (valVar != null) scope.put(valVar, e[1]);
        run(a.body(), e[1], scope);
      }
    }

    private Value eval(List<String> words, Value dot, Map<String, Value> vars, int pos) {
      if (words.isEmpty()) throw error(src, pos, "missing value for command");
      String f = words.get(0);
      List<String> rest = words.subList(1, words.size());
      switch (f) {
        case "len" -> {
          Value v = eval(rest, dot, vars, pos);
          return Value.num(
              switch (v) {
                case Value.Str s ->
                    s.value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                case Value.Arr arr -> arr.size();
                case Value.Obj o -> o.size();
                case Value.SetV s -> s.size();
                default -> throw error(src, pos, "error calling len: len of type " + v.typeName());
              });
        }
        case "not" -> {
          return Value.bool(!truthy(eval(rest, dot, vars, pos)));
        }
        case "eq", "ne", "and", "or", "index" -> {
          List<Value> args = new ArrayList<>();
          for (String r : rest) args.add(operand(r, dot, vars, pos));
          if (args.isEmpty()) throw error(src, pos, "wrong number of args for " + f);
          return switch (f) {
            case "eq" -> Value.bool(args.subList(1, args.size()).contains(args.get(0)));
            case "ne" -> Value.bool(!args.get(0).equals(args.get(args.size() - 1)));
            case "and" -> {
              for (Value v : args) if (!truthy(v)) yield v;
              yield args.get(args.size() - 1);
            }
            case "or" -> {
              for (Value v : args) if (truthy(v)) yield v;
              yield args.get(args.size() - 1);
            }
            default -> {
              Value cur = args.get(0);
              for (Value k : args.subList(1, args.size())) {
                cur =
                    switch (cur) {
                      case Value.Obj o -> o.get(k) == null ? Value.NULL : o.get(k);
                      case Value.Arr arr
                          when k instanceof Value.Num n
                              && n.isSmall()
                              && n.small >= 0
                              && n.small < arr.size() ->
                          arr.get((int) n.small);
                      default ->
                          throw error(src, pos, "error calling index: cannot index " + show(cur));
                    };
              }
              yield cur;
            }
          };
        }
        default -> {
          if (!rest.isEmpty()) throw error(src, pos, "function \"" + f + "\" not defined");
          return operand(f, dot, vars, pos);
        }
      }
    }

    private Value operand(String w, Value dot, Map<String, Value> vars, int pos) {
      if (w.startsWith("\"") || w.startsWith("`")) {
        String body = w.substring(1, w.length() - 1);
        if (w.startsWith("`")) return Value.str(body);
        return (Value) dev.lattice.policy.internal.rego.value.Json.parse(w);
      }
      if (w.equals("true") || w.equals("false")) return Value.bool(w.equals("true"));
      if (w.equals("nil")) return Value.NULL;
      if (!w.isEmpty() && (Character.isDigit(w.charAt(0)) || w.charAt(0) == '-')) {
        Value.Num n = Value.Num.parse(w);
        if (n == null) throw error(src, pos, "bad number syntax: \"" + w + "\"");
        return n;
      }
      Value base;
      String path;
      if (w.startsWith("$")) {
        int dotAt = w.indexOf('.');
        String name = dotAt < 0 ? w : w.substring(0, dotAt);
        base = vars.get(name);
        if (base == null) throw error(src, pos, "undefined variable \"" + name + "\"");
        path = dotAt < 0 ? "" : w.substring(dotAt);
      } else if (w.startsWith(".")) {
        base = dot;
        path = w.equals(".") ? "" : w;
      } else {
        throw error(src, pos, "function \"" + w + "\" not defined");
      }
      Value cur = base;
      for (String field : path.isEmpty() ? new String[0] : path.substring(1).split("\\.")) {
        if (cur == MISSING) return MISSING;
        if (!(cur instanceof Value.Obj o))
          throw error(
              src,
              pos,
              "executing \"template\" at <"
                  + w
                  + ">: can't evaluate field "
                  + field
                  + " in type "
                  + goType(cur));
        Value next = o.get(field);
        if (next == null) return MISSING;
        cur = next;
      }
      return cur;
    }
  }

  private static String goType(Value v) {
    return switch (v) {
      case Value.Str s -> "string";
      case Value.Num n -> "json.Number";
      case Value.Bool b -> "bool";
      case Value.Arr a -> "[]interface {}";
      default -> "interface {}";
    };
  }

  static boolean truthy(Value v) {
    if (v == MISSING) return false;
    return switch (v) {
      case Value.Null n -> false;
      case Value.Bool b -> b.value;
      case Value.Str s -> !s.value.isEmpty();
      case Value.Num n -> n.toBig().signum() != 0;
      case Value.Arr a -> a.size() > 0;
      case Value.Obj o -> o.size() > 0;
      case Value.SetV s -> s.size() > 0;
      default -> true;
    };
  }

  /** Go's {@code %v} of the JSON form of a value. */
  static String show(Value v) {
    return switch (v) {
      case Value.Null n -> "<no value>";
      case Value.Str s -> s.value;
      case Value.Num n -> n.toString();
      case Value.Bool b -> String.valueOf(b.value);
      case Value.Arr a -> {
        List<String> parts = new ArrayList<>();
        for (Value e : a.list()) parts.add(inner(e));
        yield "[" + String.join(" ", parts) + "]";
      }
      case Value.SetV s -> {
        List<String> parts = new ArrayList<>();
        for (Value e : s.sortedList()) parts.add(inner(e));
        yield "[" + String.join(" ", parts) + "]";
      }
      case Value.Obj o -> {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<Value, Value> e : o.map().entrySet())
          parts.add(show(e.getKey()) + ":" + inner(e.getValue()));
        yield "map[" + String.join(" ", parts) + "]";
      }
      default -> v.toString();
    };
  }

  private static String inner(Value v) {
    return v instanceof Value.Null ? "<nil>" : show(v);
  }
}
