package dev.lattice.gateway.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;

/**
 * Makes sure an installation can be administered: registers {@code LATTICE_BOOTSTRAP_ADMIN_KEY}
 * when it is set (at least {@value ApiKeyStore#MIN_CHOSEN_KEY_LENGTH} characters) and revokes any
 * previous bootstrap key, so changing the variable retires the old key; else on the very first
 * start (an empty key store) creates an admin key and prints it once. The printed key is never
 * stored or shown again.
 */
public final class BootstrapAdminKey implements InitializingBean {

  private static final Logger LOGGER = LoggerFactory.getLogger(BootstrapAdminKey.class);
  private final ApiKeyStore store;
  private final String configured;

  BootstrapAdminKey(ApiKeyStore store, String configured) {
    this.store = store;
    this.configured = configured == null || configured.isBlank() ? null : configured.trim();
  }

  @Override
  public void afterPropertiesSet() {
    if (configured != null) {
      if (!ApiKeyStore.wellFormed(configured)
          || configured.length() < ApiKeyStore.MIN_CHOSEN_KEY_LENGTH) {
        throw new IllegalArgumentException(
            "LATTICE_BOOTSTRAP_ADMIN_KEY (lattice.security.bootstrap-admin-key) must be "
                + ApiKeyStore.MIN_CHOSEN_KEY_LENGTH
                + " to 256 printable ASCII characters without spaces");
      }
      ApiKey key =
          store
              .register(configured, "bootstrap-admin", Role.ADMIN, null, ApiKeyStore.BOOTSTRAP)
              .record();
      if (!key.active()) {
        LOGGER.warn(
            "LATTICE_BOOTSTRAP_ADMIN_KEY names a revoked key id={}; it stays revoked", key.id());
      }
      store
          .revokeBootstrapKeysExcept(key.id())
          .forEach(old -> LOGGER.info("Previous bootstrap admin key revoked id={}", old.id()));
      return;
    }
    if (store.isEmpty()) {
      ApiKeyStore.IssuedApiKey issued =
          store.create("bootstrap-admin", Role.ADMIN, null, ApiKeyStore.BOOTSTRAP);
      // Printed once, on purpose, on standard output: this is how the operator gets in. Only its
      // hash is stored.
      System.out.println(
          "\n=== Lattice: first start. Admin API key (shown once, store it now): "
              + issued.key()
              + " ===\n    use it as the X-Api-Key header; key store: "
              + store.location()
              + "\n");
      LOGGER.info("Created the bootstrap admin key id={}", issued.record().id());
    }
  }
}
