package dev.lattice.policy.internal.rego.builtins;

import static dev.lattice.policy.internal.rego.builtins.Args.*;
import static dev.lattice.policy.internal.rego.builtins.Builtins.add;

import dev.lattice.policy.internal.rego.value.Value;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code net.cidr_*} as OPA (Go's {@code net} package): addresses are 4 or 16 bytes, CIDRs are
 * parsed strictly ({@code invalid CIDR address: ...}), results print as Go prints them.
 */
final class Net {
  private Net() {}

  /** A network: its address as written (4 or 16 bytes) and its prefix length. */
  record Cidr(byte[] ip, int prefix) {
    byte[] first() {
      return mask(ip, prefix, false);
    }

    byte[] last() {
      return mask(ip, prefix, true);
    }

    boolean contains(byte[] addr) {
      if (addr.length != ip.length) return false;
      return Arrays.equals(mask(addr, prefix, false), first());
    }

    String show() {
      return format(ip) + "/" + prefix;
    }
  }

  static void register() {
    // No DNS: an IP literal answers itself (as Go's resolver does) and localhost its loopback
    // addresses (RFC 6761); any other name is an error, not a network lookup.
    add(
        "net.lookup_ip_addr",
        1,
        (a, c) -> {
          String name = str(a, 0);
          byte[] ip = parseIp(name);
          if (ip != null) return Value.SetV.of(List.of(Value.str(format(ip))));
          if (name.equalsIgnoreCase("localhost") || name.equalsIgnoreCase("localhost."))
            return Value.SetV.of(List.of(Value.str("127.0.0.1"), Value.str("::1")));
          throw BuiltinException.error(
              "lookup " + name + ": Lattice makes no DNS lookups (IP literals and localhost only)");
        });
    add("net.cidr_contains", 2, (a, c) -> Value.bool(contains(str(a, 0), str(a, 1))));
    add("net.cidr_overlap", 2, (a, c) -> Value.bool(contains(str(a, 0), str(a, 1))));
    add(
        "net.cidr_intersects",
        2,
        (a, c) -> {
          Cidr x = parseCidr(str(a, 0)), y = parseCidr(str(a, 1));
          return Value.bool(x.contains(y.first()) || y.contains(x.first()));
        });
    add(
        "net.cidr_is_valid",
        1,
        (a, c) -> {
          if (!(a[0] instanceof Value.Str s)) return Value.FALSE;
          try {
            parseCidr(s.value);
            return Value.TRUE;
          } catch (BuiltinException e) {
            return Value.FALSE;
          }
        });
    add(
        "net.cidr_expand",
        1,
        (a, c) -> {
          Cidr n = parseCidr(str(a, 0));
          BigInteger first = new BigInteger(1, n.first()), last = new BigInteger(1, n.last());
          List<Value> out = new ArrayList<>();
          for (BigInteger i = first; i.compareTo(last) <= 0; i = i.add(BigInteger.ONE)) {
            c.step(1);
            out.add(Value.str(format(toBytes(i, n.ip().length))));
          }
          return Value.SetV.of(out);
        });
    add(
        "net.cidr_contains_matches",
        2,
        (a, c) -> {
          List<Value> out = new ArrayList<>();
          List<Value[]> xs = matchOperand(1, a[0]), ys = matchOperand(2, a[1]);
          for (Value[] x : xs) {
            for (Value[] y : ys) {
              c.step(1);
              if (contains(strOf(x[0]), strOf(y[0]))) out.add(Value.Arr.of(List.of(x[1], y[1])));
            }
          }
          return Value.SetV.of(out);
        });
    add(
        "net.cidr_merge",
        1,
        (a, c) -> {
          List<Value> elems;
          if (a[0] instanceof Value.Arr arr) elems = arr.list();
          else if (a[0] instanceof Value.SetV set) elems = set.sortedList();
          else throw BuiltinException.error("operand must be an array");
          List<Cidr> nets = new ArrayList<>();
          for (Value v : elems) {
            if (!(v instanceof Value.Str s)) throw BuiltinException.error("element must be string");
            nets.add(ipNet(s.value));
          }
          List<Value> out = new ArrayList<>();
          for (Cidr n : merge(nets)) out.add(Value.str(n.show()));
          return Value.SetV.of(out);
        });
  }

  private static String strOf(Value v) {
    return ((Value.Str) v).value;
  }

  /** Pairs of (cidr string, index) from a string, array, set or object operand. */
  private static List<Value[]> matchOperand(int operand, Value v) {
    List<Value[]> out = new ArrayList<>();
    switch (v) {
      case Value.Str s -> out.add(new Value[] {s, s});
      case Value.Arr arr -> {
        for (int i = 0; i < arr.list().size(); i++)
          out.add(new Value[] {matchTerm(operand, arr.list().get(i)), Value.num(i)});
      }
      case Value.SetV set -> {
        for (Value x : set.sortedList()) out.add(new Value[] {matchTerm(operand, x), x});
      }
      case Value.Obj obj -> {
        for (Map.Entry<Value, Value> e : obj.map().entrySet())
          out.add(new Value[] {matchTerm(operand, e.getValue()), e.getKey()});
      }
      default -> {}
    }
    return out;
  }

  private static Value matchTerm(int operand, Value v) {
    Value t = v;
    if (v instanceof Value.Arr arr && !arr.list().isEmpty()) t = arr.list().get(0);
    else if (!(v instanceof Value.Str))
      throw BuiltinException.error(
          "operand " + operand + ": element must be string or non-empty array");
    if (!(t instanceof Value.Str))
      throw BuiltinException.type("operand " + operand + " must be string but got " + t.typeName());
    return t;
  }

  static boolean contains(String net, String other) {
    Cidr a = parseCidr(net);
    byte[] ip = parseIp(other);
    if (ip != null) return a.contains(ip);
    Cidr b;
    try {
      b = parseCidr(other);
    } catch (BuiltinException e) {
      throw BuiltinException.error(
          "not a valid textual representation of an IP address or CIDR: " + other);
    }
    return a.contains(b.first()) && a.contains(b.last());
  }

  /** Go's {@code net.ParseCIDR}. */
  static Cidr parseCidr(String s) {
    int slash = s.indexOf('/');
    byte[] ip = slash < 0 ? null : parseIp(s.substring(0, slash));
    String m = slash < 0 ? "" : s.substring(slash + 1);
    if (ip == null || m.isEmpty() || m.length() > 3 || !m.chars().allMatch(Character::isDigit))
      throw BuiltinException.error("invalid CIDR address: " + s);
    int prefix = Integer.parseInt(m);
    if (prefix > ip.length * 8) throw BuiltinException.error("invalid CIDR address: " + s);
    return new Cidr(ip, prefix);
  }

  /** An IP address for {@code net.cidr_merge}: a v4 address takes its classful default mask. */
  private static Cidr ipNet(String s) {
    byte[] ip = parseIp(s);
    if (ip == null) {
      Cidr n = parseCidr(s);
      return new Cidr(n.first(), n.prefix());
    }
    if (ip.length == 16) throw BuiltinException.error("IPv6 invalid: needs prefix length");
    int first = ip[0] & 0xff;
    int prefix = first < 0x80 ? 8 : first < 0xC0 ? 16 : first < 0xE0 ? 24 : 32;
    return new Cidr(ip, prefix);
  }

  /** Go's {@code net.ParseIP}: dotted quads without leading zeros, or IPv6; null otherwise. */
  static byte[] parseIp(String s) {
    if (s.indexOf(':') < 0) return parseV4(s);
    if (!s.matches("[0-9a-fA-F:.]+")) return null;
    try {
      byte[] b = InetAddress.getByName(s).getAddress();
      if (b.length == 4) return b; // IPv4-mapped: Go treats it as the IPv4 address
      return b;
    } catch (UnknownHostException | RuntimeException e) {
      return null;
    }
  }

  private static byte[] parseV4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) return null;
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) return null;
      if (p.length() > 1 && p.charAt(0) == '0') return null;
      int v = Integer.parseInt(p);
      if (v > 255) return null;
      out[i] = (byte) v;
    }
    return out;
  }

  static byte[] mask(byte[] ip, int prefix, boolean hostBits) {
    byte[] out = ip.clone();
    for (int bit = prefix; bit < ip.length * 8; bit++) {
      int mask = 0x80 >> (bit % 8);
      if (hostBits) out[bit / 8] |= (byte) mask;
      else out[bit / 8] &= (byte) ~mask;
    }
    return out;
  }

  private static byte[] toBytes(BigInteger i, int len) {
    byte[] raw = i.toByteArray();
    byte[] out = new byte[len];
    int n = Math.min(raw.length, len);
    System.arraycopy(raw, raw.length - n, out, len - n, n);
    return out;
  }

  /** Go's {@code net.IP.String}: dotted IPv4, RFC 5952 IPv6 (longest zero run as {@code ::}). */
  static String format(byte[] ip) {
    if (ip.length == 4) {
      return (ip[0] & 0xff) + "." + (ip[1] & 0xff) + "." + (ip[2] & 0xff) + "." + (ip[3] & 0xff);
    }
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) g[i] = ((ip[2 * i] & 0xff) << 8) | (ip[2 * i + 1] & 0xff);
    int bestStart = -1, bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) j++;
      if (j - i > bestLen && j - i >= 2) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        b.append("::");
        i += bestLen - 1;
        continue;
      }
      if (b.length() > 0 && b.charAt(b.length() - 1) != ':') b.append(':');
      b.append(Integer.toHexString(g[i]));
    }
    return b.toString();
  }

  /** OPA's merge: sort ranges by last then first address, fold overlapping or adjacent ones. */
  static List<Cidr> merge(List<Cidr> nets) {
    record Range(BigInteger first, BigInteger last, int len, Cidr net) {}
    Map<Integer, List<Range>> byFamily = new java.util.TreeMap<>();
    for (Cidr n : nets) {
      byFamily
          .computeIfAbsent(n.ip().length, k -> new ArrayList<>())
          .add(
              new Range(
                  new BigInteger(1, n.first()), new BigInteger(1, n.last()), n.ip().length, n));
    }
    List<Cidr> out = new ArrayList<>();
    for (List<Range> ranges : byFamily.values()) {
      ranges.sort(Comparator.comparing(Range::last).thenComparing(Range::first));
      for (int i = ranges.size() - 1; i > 0; i--) {
        Range cur = ranges.get(i), prev = ranges.get(i - 1);
        if (cur.first().subtract(BigInteger.ONE).compareTo(prev.last()) <= 0) {
          BigInteger first = prev.first().min(cur.first());
          ranges.set(i - 1, new Range(first, cur.last(), cur.len(), null));
          ranges.remove(i);
        }
      }
      for (Range r : ranges) {
        if (r.net() != null) out.add(r.net());
        else out.addAll(rangeToCidrs(r.first(), r.last(), r.len()));
      }
    }
    return out;
  }

  private static List<Cidr> rangeToCidrs(BigInteger first, BigInteger last, int len) {
    List<Cidr> out = new ArrayList<>();
    int bits = len * 8;
    BigInteger cur = first;
    while (cur.compareTo(last) <= 0) {
      int size = cur.signum() == 0 ? bits : Math.min(cur.getLowestSetBit(), bits);
      while (size > 0
          && cur.add(BigInteger.ONE.shiftLeft(size)).subtract(BigInteger.ONE).compareTo(last) > 0)
        size--;
      out.add(new Cidr(toBytes(cur, len), bits - size));
      cur = cur.add(BigInteger.ONE.shiftLeft(size));
    }
    return out;
  }
}
