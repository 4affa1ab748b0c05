package dev.lattice.gateway.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * API keys, kept as a JSON file under the data directory so they survive restarts. The file holds
 * only hashes of the keys, never a key itself: HMAC-SHA-256 keyed with the installation's pepper (a
 * random secret kept in a separate owner-only file), so a leaked key file alone does not let anyone
 * test guesses of operator-chosen keys. Every change rewrites the file atomically, owner-only
 * ({@code 0600}).
 *
 * <p>Keys stored by an earlier version carry a plain SHA-256 hash; such a key still authenticates
 * and is re-hashed with the pepper on its first use.
 *
 * <p>Thread-safe. Generated keys are 32 random bytes (base64url) prefixed {@code lk_}:
 * high-entropy, so a fast keyed hash is the right tool (no password hashing needed) and lookup is
 * by hash.
 */
public final class ApiKeyStore {

  private static final Logger LOGGER = LoggerFactory.getLogger(ApiKeyStore.class);
  private static final int MIN_KEY_LENGTH = 16;

  /** The shortest key an operator may choose (the bootstrap admin key). */
  public static final int MIN_CHOSEN_KEY_LENGTH = 32;

  private static final int MAX_KEY_LENGTH = 256;
  private static final TypeReference<List<ApiKey>> KEY_LIST = new TypeReference<>() {};

  private final Path file;
  private final byte[] pepper;
  private final Clock clock;
  private final JsonMapper json = JsonMapper.builder().build();
  private final SecureRandom random = new SecureRandom();
  private final Map<String, ApiKey> byId = new LinkedHashMap<>();
  private final Map<String, ApiKey> byHash = new LinkedHashMap<>();

  /** A newly created key: the key itself (shown once) and its stored record. */
  public record IssuedApiKey(String key, ApiKey record) {}

  /**
   * @param file the key file
   * @param pepper the installation's secret HMAC key for key hashes (at least 32 bytes)
   */
  public ApiKeyStore(Path file, byte[] pepper, Clock clock) {
    if (pepper == null || pepper.length < 32) {
      throw new IllegalArgumentException("the API key pepper must be at least 32 bytes");
    }
    this.file = file;
    this.pepper = pepper.clone();
    this.clock = clock;
    load();
  }

  public Path file() {
    return file;
  }

  /** The active key whose hash matches {@code presented}, if any. */
  public synchronized Optional<ApiKey> authenticate(String presented) {
    String peppered = hash(presented);
    ApiKey key = byHash.get(peppered);
    if (key == null) {
      ApiKey legacy = byHash.get(legacyHash(presented));
      if (legacy != null && legacy.hashScheme() == null) {
        byHash.remove(legacy.hash());
        key = legacy.rehashed(peppered);
        put(key);
        save();
        LOGGER.info("API key re-hashed with the pepper id={}", key.id());
      }
    }
    return key != null && key.active() ? Optional.of(key) : Optional.empty();
  }

  /**
   * True when {@code presented} cannot be a key at all (wrong length or characters), so the caller
   * can say "malformed" rather than "unknown".
   */
  public static boolean wellFormed(String presented) {
    if (presented == null
        || presented.length() < MIN_KEY_LENGTH
        || presented.length() > MAX_KEY_LENGTH) {
      return false;
    }
    for (int i = 0; i < presented.length(); i++) {
      char c = presented.charAt(i);
      if (c <= ' ' || c > '~') {
        return false;
      }
    }
    return true;
  }

  /** Creates a random key. */
  public synchronized IssuedApiKey create(String name, Role role, String scope, String createdBy) {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    String key = "lk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    return register(key, name, role, scope, createdBy);
  }

  /**
   * Registers a key chosen by the operator (the bootstrap admin key). Registering a key that is
   * already stored returns the stored record.
   */
  public synchronized IssuedApiKey register(
      String key, String name, Role role, String scope, String createdBy) {
    if (!wellFormed(key)) {
      throw new IllegalArgumentException(
          "An API key must be "
              + MIN_KEY_LENGTH
              + " to "
              + MAX_KEY_LENGTH
              + " printable ASCII characters without spaces");
    }
    validateScope(role, scope);
    String hash = hash(key);
    ApiKey existing = byHash.get(hash);
    if (existing == null) {
      ApiKey legacy = byHash.get(legacyHash(key));
      if (legacy != null && legacy.hashScheme() == null) {
        byHash.remove(legacy.hash());
        existing = legacy.rehashed(hash);
        put(existing);
        save();
      }
    }
    if (existing != null) {
      return new IssuedApiKey(key, existing);
    }
    String id;
    do {
      byte[] idBytes = new byte[6];
      random.nextBytes(idBytes);
      id = HexFormat.of().formatHex(idBytes);
    } while (byId.containsKey(id));
    ApiKey record =
        new ApiKey(
            id,
            name == null || name.isBlank() ? role.name().toLowerCase() : name,
            hash,
            role,
            role.scope() == Role.Scope.NONE ? null : scope,
            clock.instant(),
            createdBy,
            null,
            null,
            ApiKey.PEPPERED);
    put(record);
    save();
    LOGGER.info(
        "API key created id={} role={} scope={} by={}", id, role, record.scope(), createdBy);
    return new IssuedApiKey(key, record);
  }

  /** Revokes a key; revoking a revoked key changes nothing. */
  public synchronized Optional<ApiKey> revoke(String id, String revokedBy) {
    ApiKey key = byId.get(id);
    if (key == null) {
      return Optional.empty();
    }
    if (key.active()) {
      key = key.revoked(clock.instant(), revokedBy);
      put(key);
      save();
      LOGGER.info("API key revoked id={} by={}", id, revokedBy);
    }
    return Optional.of(key);
  }

  /**
   * Revokes every active bootstrap admin key except {@code keep}: the previous key stops working
   * when the operator changes {@code LATTICE_BOOTSTRAP_ADMIN_KEY}.
   *
   * @return the revoked keys
   */
  public synchronized List<ApiKey> revokeBootstrapKeysExcept(String keep) {
    List<ApiKey> revoked = new ArrayList<>();
    for (ApiKey key : List.copyOf(byId.values())) {
      if (key.active()
          && !key.id().equals(keep)
          && key.role() == Role.ADMIN
          && BOOTSTRAP.equals(key.createdBy())) {
        revoke(key.id(), BOOTSTRAP).ifPresent(revoked::add);
      }
    }
    return revoked;
  }

  /** Who bootstrap keys are created by. */
  public static final String BOOTSTRAP = "bootstrap";

  public synchronized List<ApiKey> list() {
    return List.copyOf(byId.values());
  }

  public synchronized Optional<ApiKey> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  public synchronized boolean hasActiveAdmin() {
    return byId.values().stream().anyMatch(k -> k.active() && k.role() == Role.ADMIN);
  }

  public synchronized boolean isEmpty() {
    return byId.isEmpty();
  }

  private static void validateScope(Role role, String scope) {
    boolean scoped = role.scope() != Role.Scope.NONE;
    if (scoped && (scope == null || scope.isBlank())) {
      throw new IllegalArgumentException(
          "Role " + role + " is scoped: give the " + role.scope().name().toLowerCase() + " id");
    }
    if (!scoped && scope != null && !scope.isBlank()) {
      throw new IllegalArgumentException("Role " + role + " takes no scope; leave scope empty");
    }
  }

  private void put(ApiKey key) {
    byId.put(key.id(), key);
    byHash.put(key.hash(), key);
  }

  private void load() {
    if (!Files.exists(file)) {
      return;
    }
    try {
      List<ApiKey> keys = json.readValue(Files.readString(file), KEY_LIST);
      keys.forEach(this::put);
      LOGGER.info("Loaded {} API keys from {}", keys.size(), file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the API key store " + file, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "The API key store " + file + " is not valid JSON; restore it from a backup", e);
    }
  }

  private void save() {
    try {
      OwnerOnlyFiles.writeString(file, json.writeValueAsString(new ArrayList<>(byId.values())));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the API key store " + file, e);
    }
  }

  /** HMAC-SHA-256 of the key with the pepper, lower-case hex. */
  String hash(String key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(pepper, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(key.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  /** The plain SHA-256 of keys stored before peppering. */
  static String legacyHash(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
