package dev.lattice.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeyStoreTest {

  private static final byte[] PEPPER = "a-test-pepper-of-at-least-32-bytes!!".getBytes();

  @TempDir Path dir;

  private ApiKeyStore store() {
    return new ApiKeyStore(dir.resolve("keys.json"), PEPPER, Clock.systemUTC());
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
  void theFileHoldsOnlyThePepperedHashOfAKey() throws Exception {
    ApiKeyStore store = store();
    ApiKeyStore.IssuedApiKey issued = store.create("svc", Role.SERVICE, "ski-club", "admin");

    String stored = Files.readString(dir.resolve("keys.json"));

    assertThat(stored)
        .doesNotContain(issued.key())
        .doesNotContain(ApiKeyStore.legacyHash(issued.key()))
        .contains(store.hash(issued.key()));
  }

  @Test
  void theKeyFileIsReadableByItsOwnerOnly() throws Exception {
    store().create("svc", Role.SERVICE, "ski-club", "admin");

    assertThat(Files.getPosixFilePermissions(dir.resolve("keys.json")))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
  }

  @Test
  void aKeyStoredWithAPlainShaHashStillAuthenticatesAndIsRehashedWithThePepper() throws Exception {
    String key = "lk_legacy-key-created-before-peppering-0001";
    Files.writeString(
        dir.resolve("keys.json"),
        """
        [{"id":"abc123","name":"old","hash":"%s","role":"COMPLIANCE","scope":null,
          "createdAt":"2026-01-01T00:00:00Z","createdBy":"admin","revokedAt":null,"revokedBy":null}]
        """
            .formatted(ApiKeyStore.legacyHash(key)));
    ApiKeyStore store = store();

    assertThat(store.authenticate(key)).isPresent();

    String stored = Files.readString(dir.resolve("keys.json"));
    assertThat(stored).doesNotContain(ApiKeyStore.legacyHash(key)).contains(store.hash(key));
    assertThat(store().authenticate(key)).isPresent();
  }

  @Test
  void anUnscopedServiceKeyFromAnEarlierVersionIsMarkedAsMissingItsScope() throws Exception {
    String key = "lk_unscoped-service-key-from-before-0001";
    Files.writeString(
        dir.resolve("keys.json"),
        """
        [{"id":"svc001","name":"old","hash":"%s","role":"SERVICE","scope":null,
          "createdAt":"2026-01-01T00:00:00Z","createdBy":"admin","revokedAt":null,"revokedBy":null}]
        """
            .formatted(ApiKeyStore.legacyHash(key)));

    assertThat(store().authenticate(key).orElseThrow().missingScope()).isTrue();
  }

  @Test
  void aServiceKeyActsForItsNetworkOnly() {
    ApiKeyStore store = store();
    ApiKeyStore.IssuedApiKey issued = store.create("svc", Role.SERVICE, "ski-club", "admin");

    LatticePrincipal principal = store.authenticate(issued.key()).orElseThrow().principal();

    assertThat(principal.servesNetwork("ski-club")).isTrue();
    assertThat(principal.servesNetwork("book-circle")).isFalse();
    assertThat(principal.crossTenant()).isFalse();
  }

  @Test
  void changingTheBootstrapKeyRevokesThePreviousOne() {
    ApiKeyStore store = store();
    String old = "operator-chosen-bootstrap-key-number-one";
    String fresh = "operator-chosen-bootstrap-key-number-two";
    new BootstrapAdminKey(store, old).afterPropertiesSet();

    new BootstrapAdminKey(store, fresh).afterPropertiesSet();

    assertThat(store.authenticate(old)).isEmpty();
    assertThat(store.authenticate(fresh)).isPresent();
  }

  @Test
  void aBootstrapKeyShorterThan32CharactersIsRefused() {
    assertThatThrownBy(
            () -> new BootstrapAdminKey(store(), "only-twenty-chars-ab").afterPropertiesSet())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32");
  }

  @Test
  void keysAndRevocationsSurviveARestart() {
    ApiKeyStore first = store();
    ApiKeyStore.IssuedApiKey kept = first.create("a", Role.COMPLIANCE, null, "admin");
    ApiKeyStore.IssuedApiKey revoked = first.create("b", Role.SERVICE, "ski-club", "admin");
    first.revoke(revoked.record().id(), "admin");

    ApiKeyStore second = store();

    assertThat(second.authenticate(kept.key())).isPresent();
    assertThat(second.authenticate(revoked.key())).isEmpty();
  }

  @Test
  void registeringTheSameBootstrapKeyTwiceKeepsOneRecord() {
    ApiKeyStore store = store();
    store.register("operator-chosen-key-123-abcdefghijklmn", "boot", Role.ADMIN, null, "bootstrap");
    store.register("operator-chosen-key-123-abcdefghijklmn", "boot", Role.ADMIN, null, "bootstrap");

    assertThat(store.list()).hasSize(1);
  }

  @Test
  void aScopedRoleWithoutScopeIsRefused() {
    assertThatThrownBy(() -> store().create("x", Role.NETWORK_ADMIN, null, "admin"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("network");
  }

  @Test
  void anUnscopedServiceKeyCanNoLongerBeCreated() {
    assertThatThrownBy(() -> store().create("x", Role.SERVICE, null, "admin"))
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
