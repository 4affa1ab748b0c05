package dev.lattice.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeyStoreTest {

  @TempDir Path dir;

  private ApiKeyStore store() {
    return new ApiKeyStore(dir.resolve("keys.json"), Clock.systemUTC());
  }

  @Test
  void aCreatedKeyAuthenticatesAsItsRoleAndScope() {
    ApiKeyStore store = store();
    ApiKeyStore.IssuedApiKey issued = store.create("shop", Role.BRAND, "acme", "admin");

    LatticePrincipal principal = store.authenticate(issued.key()).orElseThrow().principal();

    assertThat(principal.actsForBrand("acme")).isTrue();
    assertThat(principal.actsForBrand("other")).isFalse();
  }

  @Test
  void theFileHoldsOnlyTheHashOfAKey() throws Exception {
    ApiKeyStore.IssuedApiKey issued = store().create("svc", Role.SERVICE, null, "admin");

    String stored = Files.readString(dir.resolve("keys.json"));

    assertThat(stored).doesNotContain(issued.key()).contains(ApiKeyStore.hash(issued.key()));
  }

  @Test
  void keysAndRevocationsSurviveARestart() {
    ApiKeyStore first = store();
    ApiKeyStore.IssuedApiKey kept = first.create("a", Role.COMPLIANCE, null, "admin");
    ApiKeyStore.IssuedApiKey revoked = first.create("b", Role.SERVICE, null, "admin");
    first.revoke(revoked.record().id(), "admin");

    ApiKeyStore second = store();

    assertThat(second.authenticate(kept.key())).isPresent();
    assertThat(second.authenticate(revoked.key())).isEmpty();
  }

  @Test
  void registeringTheSameBootstrapKeyTwiceKeepsOneRecord() {
    ApiKeyStore store = store();
    store.register("operator-chosen-key-123", "boot", Role.ADMIN, null, "bootstrap");
    store.register("operator-chosen-key-123", "boot", Role.ADMIN, null, "bootstrap");

    assertThat(store.list()).hasSize(1);
  }

  @Test
  void aScopedRoleWithoutScopeIsRefused() {
    assertThatThrownBy(() -> store().create("x", Role.NETWORK_ADMIN, null, "admin"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("network");
  }

  @Test
  void shortOrSpacedKeysAreMalformed() {
    assertThat(ApiKeyStore.wellFormed("short")).isFalse();
    assertThat(ApiKeyStore.wellFormed("has a space in it 1234")).isFalse();
    assertThat(ApiKeyStore.wellFormed("lk_abcdefghijklmnopqrstuvwxyz")).isTrue();
  }
}
