package dev.lattice.gateway.api.policies;

import dev.lattice.gateway.problem.FieldProblem;
import dev.lattice.gateway.problem.InvalidRequestException;
import dev.lattice.gateway.problem.PayloadTooLargeException;
import dev.lattice.gateway.problem.ResourceNotFoundException;
import dev.lattice.policy.CompiledPolicy;
import dev.lattice.policy.PolicyActivationException;
import dev.lattice.policy.Rego;
import dev.lattice.policy.RegoException;
import dev.lattice.policy.bundle.Bundle;
import dev.lattice.policy.bundle.BundleException;
import dev.lattice.policy.bundle.BundleLoader;
import dev.lattice.policy.bundle.DefaultBundle;
import dev.lattice.policy.bundle.PolicyTestRunner;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What a policy author needs besides upload and activation: a recorded revision's files (to edit
 * them) and a dry run of a bundle's own Rego tests with the result of each test, storing nothing.
 */
@RestController
@RequestMapping("/api/v1/policies")
@Tag(name = "Policies")
public class PolicyWorkbenchController {

  private static final int MAX_BUNDLE_BYTES = 10 * 1024 * 1024;
  private final PolicyRegistry registry;

  public PolicyWorkbenchController(PolicyRegistry registry) {
    this.registry = registry;
  }

  /** One test's outcome; {@code location} is {@code file:line:col}. */
  public record TestResult(
      String name, String location, String status, String message, long nanos) {}

  /** All tests of a bundle, in source order. */
  public record TestReport(String revision, int passed, int failed, List<TestResult> tests) {}

  @GetMapping("/{revision}/files")
  @Operation(
      summary = "The text files of a recorded revision (Rego modules, data, manifest) by path",
      description = "Binary files and signatures are left out.")
  public Map<String, String> files(@PathVariable String revision) {
    Map<String, byte[]> raw;
    if (revision.equals(registry.shippedRevision())) {
      raw = DefaultBundle.files();
    } else {
      byte[] tarGz =
          PolicyRegistry.bytes(
              registry
                  .find(revision)
                  .orElseThrow(() -> new ResourceNotFoundException("policy revision", revision)));
      raw = BundleLoader.fromTarGz(revision, tarGz).files();
    }
    Map<String, String> text = new TreeMap<>();
    raw.forEach(
        (path, bytes) -> {
          try {
            text.put(
                path,
                StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString());
          } catch (CharacterCodingException e) {
            // not text: nothing an editor could show
          }
        });
    return text;
  }

  @PostMapping(
      path = "/tests",
      consumes = {"application/gzip", "application/x-gzip", "application/octet-stream"})
  @Operation(
      summary = "Compile a bundle (.tar.gz) and run its Rego tests; nothing is stored",
      description =
          "200 with every test's result (pass, fail, error) and location; 422 with the compile"
              + " error at file:line:col when the bundle does not compile.")
  public TestReport tests(HttpServletRequest request) {
    byte[] bytes;
    try (InputStream in = request.getInputStream()) {
      bytes = in.readNBytes(MAX_BUNDLE_BYTES + 1);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the uploaded bundle", e);
    }
    if (bytes.length > MAX_BUNDLE_BYTES) {
      throw new PayloadTooLargeException(MAX_BUNDLE_BYTES, "the bundle size limit");
    }
    Bundle bundle;
    try {
      bundle = BundleLoader.fromTarGz("upload", bytes);
    } catch (BundleException e) {
      throw new InvalidRequestException(
          "The bundle cannot be read", List.of(new FieldProblem("bundle", e.getMessage())));
    }
    CompiledPolicy compiled;
    try {
      compiled = Rego.compile(bundle.modules(), bundle.data());
    } catch (RegoException e) {
      throw new PolicyRejectedException(
          bundle.revision(),
          new PolicyActivationException(
              PolicyActivationException.Stage.COMPILE,
              bundle.revision(),
              List.of(e.getMessage()),
              e));
    }
    PolicyTestRunner.Report report = PolicyTestRunner.run(compiled, name -> true);
    return new TestReport(
        bundle.revision(),
        report.passed(),
        report.failed(),
        report.results().stream()
            .map(
                r ->
                    new TestResult(
                        r.name(),
                        String.valueOf(r.location()),
                        r.status().name().toLowerCase(java.util.Locale.ROOT),
                        r.message(),
                        r.nanos()))
            .toList());
  }
}
