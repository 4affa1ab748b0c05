package dev.lattice.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.gateway.security.GatewaySecurityProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterConfigurationTest {

  private static final String PEPPER = "a-pepper-of-at-least-32-characters-0001";
  private static final GatewaySecurityProperties SECURITY =
      new GatewaySecurityProperties(null, null, null);

  private static byte[] pepper(String configured, Path dataDir) {
    return dev.lattice.gateway.security.SecurityConfiguration.apiKeyPepper(
        SECURITY, dataDir, configured);
  }

  private static ClusterProperties withSecret(String secret) {
    return new ClusterProperties(null, secret, Duration.ofSeconds(10), true, 1000);
  }

  @Test
  void aConfiguredClusterSecretIsKept(@TempDir Path dataDir) {
    String configured = "a-configured-cluster-secret-0123456789";

    assertThat(
            ClusterConfiguration.effective(withSecret(configured), () -> pepper(PEPPER, dataDir))
                .secret())
        .isEqualTo(configured);
  }

  @Test
  void withoutOneInstancesSharingThePepperDeriveTheSameSecretAndOthersAnother(
      @TempDir Path dataDir) {
    String derived =
        ClusterConfiguration.effective(withSecret(""), () -> pepper(PEPPER, dataDir)).secret();

    assertThat(derived).hasSize(64).doesNotContain(PEPPER);
    assertThat(
            ClusterConfiguration.effective(withSecret(null), () -> pepper(PEPPER, dataDir))
                .secret())
        .isEqualTo(derived);
    assertThat(
            ClusterConfiguration.effective(
                    withSecret(null), () -> pepper(PEPPER.replace('1', '2'), dataDir))
                .secret())
        .isNotEqualTo(derived);
    assertThat(ClusterConfiguration.derivedSecret(PEPPER.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(derived);
  }
}
