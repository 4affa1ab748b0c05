package dev.lattice.policy.internal.cli;

import dev.lattice.policy.RegoException;
import dev.lattice.policy.internal.rego.format.Formatter;
import dev.lattice.policy.internal.rego.value.Convert;
import dev.lattice.policy.internal.rego.value.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fmt [--check | --diff | -w] [--format text|json] <file.rego|dir>...}: canonical formatting
 * of Rego modules, like {@code opa fmt} ({@link Formatter}). Directories are searched for {@code
 * *.rego} files. Without an option the formatted source of every file is printed; {@code -w}
 * rewrites the files that are not formatted and names them; {@code --check} only names them; {@code
 * --diff} prints a unified diff per file. Exit 0 when every file is formatted (or was rewritten), 1
 * when {@code --check} or {@code --diff} found an unformatted file, 2 on usage errors and on files
 * that do not parse (each reported as {@code file:line:col: rego_parse_error: ...}).
 */
@Command(
    name = "fmt",
    header = "format Rego like opa fmt (--check for CI)",
    mixinStandardHelpOptions = true,
    description = {
      "Formats Rego modules canonically, like opa fmt. Directories are searched for *.rego files.",
      "Without an option the formatted source of every file is printed."
    },
    footer = {
      "",
      "Exit codes: 0 every file is formatted (or was rewritten), 1 --check or --diff found an unformatted",
      "file, 2 usage error or a file that does not parse (reported as file:line:col: rego_parse_error: ...)."
    })
public final class FmtCommand implements Callable<Integer> {
  private final CommandStreams io;

  @Spec CommandSpec spec;

  @Option(
      names = {"-l", "--list", "--check"},
      description = "only name the files that are not formatted (for CI)")
  boolean check;

  @Option(
      names = {"-d", "--diff"},
      description = "print a unified diff per file that is not formatted")
  boolean diff;

  @Option(
      names = {"-w", "--write"},
      description = "rewrite the files that are not formatted, and name them")
  boolean write;

  @Option(
      names = {"-f", "--format"},
      paramLabel = "text|json",
      description = "text (default) or json")
  TextOrJson format = TextOrJson.text;

  @Parameters(
      arity = "1..*",
      paramLabel = "<file.rego|dir>",
      description = "Rego files, or directories to search for them")
  List<String> names;

  public FmtCommand(CommandStreams io) {
    this.io = io;
  }

  private record Result(Path file, String source, String formatted, RegoException error) {
    boolean changed() {
      return error == null && !formatted.equals(source);
    }
  }

  @Override
  public Integer call() {
    PrintStream out = io.out();
    PrintStream err = io.err();
    String format = this.format.name();
    if ((check ? 1 : 0) + (diff ? 1 : 0) + (write ? 1 : 0) > 1)
      throw new ParameterException(spec.commandLine(), "--check, --diff and -w exclude each other");
    List<Path> files = regoFiles(names);

    List<Result> results = new ArrayList<>();
    for (Path f : files) {
      String src;
      try {
        src = Files.readString(f, StandardCharsets.UTF_8);
      } catch (IOException e) {
        err.println("fmt: cannot read " + f + ": " + e.getMessage());
        return 2;
      }
      try {
        results.add(new Result(f, src, Formatter.format(f.toString(), src), null));
      } catch (RegoException e) {
        results.add(new Result(f, src, null, e));
      }
    }
    if (write) {
      for (Result r : results) {
        if (!r.changed()) continue;
        try {
          Files.writeString(r.file(), r.formatted(), StandardCharsets.UTF_8);
        } catch (IOException e) {
          err.println("fmt: cannot write " + r.file() + ": " + e.getMessage());
          return 2;
        }
      }
    }
    long unformatted = results.stream().filter(Result::changed).count();
    boolean errors = results.stream().anyMatch(r -> r.error() != null);

    if (format.equals("json")) {
      List<Object> list = new ArrayList<>();
      List<Object> errorList = new ArrayList<>();
      for (Result r : results) {
        if (r.error() != null) {
          for (RegoException e : r.error().errors()) errorList.add(errorJson(e));
          continue;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", r.file().toString());
        m.put("formatted", !r.changed());
        if (write) m.put("rewritten", r.changed());
        if (diff && r.changed())
          m.put("diff", UnifiedDiff.diff(r.file().toString(), r.source(), r.formatted()));
        if (!check && !diff && !write) m.put("source", r.formatted());
        list.add(m);
      }
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("files", list);
      doc.put("unformatted", unformatted);
      doc.put("errors", errorList);
      out.println(Json.write(Convert.fromJava(doc)));
    } else {
      for (Result r : results) {
        if (r.error() != null) {
          for (RegoException e : r.error().errors()) err.println(e.getMessage());
          continue;
        }
        if (check && r.changed()) out.println(r.file());
        else if (write && r.changed()) out.println(r.file());
        else if (diff && r.changed())
          out.print(UnifiedDiff.diff(r.file().toString(), r.source(), r.formatted()));
        else if (!check && !diff && !write) out.print(r.formatted());
      }
    }
    if (errors) return 2;
    return (check || diff) && unformatted > 0 ? 1 : 0;
  }

  private static Map<String, Object> errorJson(RegoException e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("code", e.code());
    m.put("message", e.detail());
    e.location()
        .ifPresent(
            l -> m.put("location", Map.of("file", l.file(), "row", l.line(), "col", l.column())));
    return m;
  }

  private List<Path> regoFiles(List<String> names) {
    List<Path> files = new ArrayList<>();
    for (String n : names) {
      Path p = Path.of(n);
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.walk(p)) {
          s.filter(f -> f.toString().endsWith(".rego") && Files.isRegularFile(f))
              .sorted()
              .forEach(files::add);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      } else if (Files.isRegularFile(p)) {
        files.add(p);
      } else {
        throw new ParameterException(spec.commandLine(), "no such file or directory: " + n);
      }
    }
    return files;
  }
}
