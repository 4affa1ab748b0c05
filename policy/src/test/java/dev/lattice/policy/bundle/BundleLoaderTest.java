package dev.lattice.policy.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BundleLoaderTest {

  private Path dir;

  @BeforeEach
  void createBundleDirectory() throws Exception {
    // under java.io.tmpdir, which the build points at target/tmp
    Path tmp = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    dir = Files.createTempDirectory(tmp, "bundle");
  }

  private void write(String rel, String content) throws Exception {
    Path p = dir.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  private static Map<String, byte[]> files(String... pathsAndContents) {
    Map<String, byte[]> m = new TreeMap<>();
    for (int i = 0; i < pathsAndContents.length; i += 2) {
      m.put(pathsAndContents[i], pathsAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return m;
  }

  @Test
  void aDirectoryBundleHasItsManifestModulesAndData() throws Exception {
    write(
        ".manifest",
        "{\"revision\":\"r1\",\"roots\":[\"acme\",\"networks\"],\"rego_version\":1,\"metadata\":{\"owner\":\"compliance\"}}");
    write("acme/policy.rego", "package acme\n\nallow := true\n");
    write("acme/policy_test.rego", "package acme\n\ntest_allow if allow\n");
    write("networks/ski-club/data.json", "{\"offers\":{\"accept\":true}}");
    write("networks/book-circle/data.yaml", "offers:\n  accept: false\n");
    write("README.md", "ignored");

    Bundle b = BundleLoader.load(dir);

    assertThat(b.revision()).isEqualTo("r1");
    assertThat(b.manifest().roots()).containsExactly("acme", "networks");
    assertThat(b.manifest().metadata()).containsEntry("owner", "compliance");
    assertThat(b.modules())
        .extracting(m -> m.path())
        .containsExactly("acme/policy.rego", "acme/policy_test.rego");
    assertThat(b.testModules()).hasSize(1);
    assertThat(b.data())
        .isEqualTo(
            Map.of(
                "networks",
                Map.of(
                    "ski-club", Map.of("offers", Map.of("accept", true)),
                    "book-circle", Map.of("offers", Map.of("accept", false)))));
    assertThat(b.files()).doesNotContainKey("README.md");
  }

  @Test
  void aTarGzBundleLoadsLikeItsDirectory() throws Exception {
    write(".manifest", "{\"revision\":\"r2\",\"roots\":[\"x\"]}");
    write("x/p.rego", "package x\n\ny := 1\n");
    write("x/data.json", "{\"k\": [1, 2]}");
    Bundle fromDir = BundleLoader.load(dir);
    Path archive = dir.resolveSibling(dir.getFileName() + "-bundle.tar.gz");
    Files.write(archive, BundleBuilder.build(fromDir, null, null));

    Bundle fromTar = BundleLoader.load(archive);

    assertThat(fromTar.revision()).isEqualTo("r2");
    assertThat(fromTar.data()).isEqualTo(fromDir.data());
    assertThat(fromTar.modules()).isEqualTo(fromDir.modules());
  }

  @Test
  void aBundleWithoutManifestOwnsEverythingAndHasNoRevision() {
    Bundle b =
        BundleLoader.fromFiles("mem", files("data.json", "{\"a\":1}", "p/q.rego", "package p.q\n"));

    assertThat(b.revision()).isEmpty();
    assertThat(b.manifest().roots()).containsExactly("");
    assertThat(b.data()).isEqualTo(Map.of("a", 1));
  }

  @Test
  void rootDataMergesWithNestedDataFiles() {
    Bundle b =
        BundleLoader.fromFiles(
            "mem",
            files(
                "data.json",
                "{\"a\":{\"x\":1}}",
                "a/data.json",
                "{\"y\":2}",
                "a/b/data.json",
                "[3]"));

    assertThat(b.data()).isEqualTo(Map.of("a", Map.of("x", 1, "y", 2, "b", List.of(3))));
  }

  @Test
  void twoDataFilesDefiningTheSameValueAreRefusedNamingTheFile() {
    assertThatThrownBy(
            () ->
                BundleLoader.fromFiles(
                    "mem", files("data.json", "{\"a\":{\"x\":1}}", "a/data.json", "{\"x\":2}")))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining(
            "mem:data.json: data path a/x is already defined by another data file");
  }

  @Test
  void invalidJsonIsReportedWithItsPathAndLine() {
    assertThatThrownBy(
            () ->
                BundleLoader.fromFiles("b.tar.gz", files("networks/data.json", "{\n \"a\": ,\n}")))
        .isInstanceOf(BundleException.class)
        .hasMessageStartingWith("b.tar.gz:networks/data.json: invalid JSON at line 2")
        .extracting(e -> ((BundleException) e).file())
        .isEqualTo("networks/data.json");
  }

  @Test
  void invalidYamlIsReportedWithItsPath() {
    assertThatThrownBy(() -> BundleLoader.fromFiles("mem", files("n/data.yaml", "a: [1, 2\nb: c")))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("n/data.yaml: invalid YAML");
  }

  @Test
  void aBadManifestIsReported() {
    assertThatThrownBy(
            () -> BundleLoader.fromFiles("mem", files(".manifest", "{\"roots\": \"x\"}")))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining(".manifest: 'roots' must be an array of strings");
  }

  @Test
  void regoVersionZeroIsRefused() {
    assertThatThrownBy(
            () -> BundleLoader.fromFiles("mem", files(".manifest", "{\"rego_version\": 0}")))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("rego_version 0 is not supported");
  }

  @Test
  void aPackageOutsideTheRootsIsRefused() {
    assertThatThrownBy(
            () ->
                BundleLoader.fromFiles(
                    "mem",
                    files(
                        ".manifest",
                        "{\"roots\":[\"acme\"]}",
                        "other/p.rego",
                        "package other.p\n")))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("other/p.rego: package other.p lies outside the bundle roots [acme]");
  }

  @Test
  void dataOutsideTheRootsIsRefused() {
    assertThatThrownBy(
            () ->
                BundleLoader.fromFiles(
                    "mem",
                    files(
                        ".manifest",
                        "{\"roots\":[\"acme\"]}",
                        "data.json",
                        "{\"acme\":{}, \"zed\":1}")))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("data path zed lies outside the bundle roots");
  }

  @Test
  void anArchiveEntryEscapingTheBundleIsRefused() {
    byte[] evil = BundleBuilder.tarGz(files("../etc/data.json", "{}"));

    assertThatThrownBy(() -> BundleLoader.fromTarGz("evil.tar.gz", evil))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("path escapes the bundle");
  }

  @Test
  void bytesThatAreNotATarGzAreRefused() {
    assertThatThrownBy(
            () -> BundleLoader.fromTarGz("junk.tar.gz", "hello".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(BundleException.class)
        .hasMessageStartingWith("junk.tar.gz: not a readable .tar.gz bundle");
  }

  @Test
  void overlappingRootsOfTwoBundlesAreRefused() {
    Bundle a = BundleLoader.fromFiles("a", files(".manifest", "{\"roots\":[\"lattice\"]}"));
    Bundle b = BundleLoader.fromFiles("b", files(".manifest", "{\"roots\":[\"lattice/offers\"]}"));
    Bundle c =
        BundleLoader.fromFiles("c", files(".manifest", "{\"roots\":[\"latticex\", \"networks\"]}"));

    assertThatThrownBy(() -> BundleRoots.checkDisjoint(List.of(a, b, c)))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("root 'lattice' of a overlaps root 'lattice/offers' of b");
    BundleRoots.checkDisjoint(List.of(a, c));
  }

  @Test
  void theBuilderWritesTheRevisionAndIsDeterministic() throws Exception {
    write("p/p.rego", "package p\n\nx := 1\n");
    Bundle b = BundleLoader.load(dir);

    byte[] first = BundleBuilder.build(b, null, null);
    byte[] second = BundleBuilder.build(b, null, null);
    Bundle built = BundleLoader.fromTarGz("built", first);

    assertThat(first).isEqualTo(second);
    assertThat(built.revision()).startsWith("sha256-").hasSize(19);
    assertThat(BundleLoader.fromTarGz("built", BundleBuilder.build(b, "v42", null)).revision())
        .isEqualTo("v42");
  }
}
