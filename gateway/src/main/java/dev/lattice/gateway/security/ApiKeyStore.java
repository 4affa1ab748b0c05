package dev.lattice.gateway.security;

import dev.lattice.gateway.events.CompactedTopicView;
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
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * API keys, shared by every Lattice instance through the compacted topic {@code
 * lattice.gateway.api-keys} (key id → JSON record), which each instance reads into a local view.
 * The topic holds only hashes of the keys, never a key itself: HMAC-SHA-256 keyed with the
 * installation's pepper (a secret outside Kafka, which every instance of a cluster must share), so
 * the topic alone does not let anyone test guesses of operator-chosen keys. A key created or
 * revoked on one instance is in effect on every instance: the creating call returns once its own
 * view has the key, and an unknown key is looked up again after the view caught up with the topic
 * before it is refused; a revocation reaches the other instances within one poll.
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

  private final CompactedTopicView<ApiKey> keys;
  private final byte[] pepper;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  // Index by hash, maintained from the view's changes (on the view's thread).
  private final Map<String, ApiKey> byHash = new ConcurrentHashMap<>();

  /** A newly created key: the key itself (shown once) and its stored record. */
  public record IssuedApiKey(String key, ApiKey record) {}

  /**
   * @param keys the view of {@code lattice.gateway.api-keys} (not yet started: the store indexes it
   *     from the first record on), with a publisher for writes
   * @param pepper the installation's secret HMAC key for key hashes (at least 32 bytes; the same on
   *     every instance)
   */
  public ApiKeyStore(CompactedTopicView<ApiKey> keys, byte[] pepper, Clock clock) {
    if (pepper == null || pepper.length < 32) {
      throw new IllegalArgumentException("the API key pepper must be at least 32 bytes");
    }
    this.keys = keys;
    this.pepper = pepper.clone();
    this.clock = clock;
    keys.onChange(
        (id, key) -> {
          byHash.values().removeIf(k -> k.id().equals(id));
          if (key != null) {
            byHash.put(key.hash(), key);
          }
        });
    keys.start();
  }

  /** Where the keys live, for messages. */
  public String location() {
    return "Kafka topic " + keys.topic();
  }

  /** The active key whose hash matches {@code presented}, if any. */
  public Optional<ApiKey> authenticate(String presented) {
    String peppered = hash(presented);
    ApiKey key = byHash.get(peppered);
    if (key == null) {
      // Maybe created on another instance a moment ago: catch up before refusing.
      keys.current();
      key = byHash.get(peppered);
    }
    if (key == null) {
      ApiKey legacy = byHash.get(legacyHash(presented));
      if (legacy != null && legacy.hashScheme() == null) {
        key = legacy.rehashed(peppered);
        keys.put(key.id(), key);
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
    keys.current();
    ApiKey existing = byHash.get(hash);
    if (existing == null) {
      ApiKey legacy = byHash.get(legacyHash(key));
      if (legacy != null && legacy.hashScheme() == null) {
        existing = legacy.rehashed(hash);
        keys.put(existing.id(), existing);
      }
    }
    if (existing != null) {
      return new IssuedApiKey(key, existing);
    }
    // The id derives from the hash: instances registering the same (bootstrap) key at the same
    // moment write the same record instead of two.
    String id = hash("lattice-api-key-id:" + hash).substring(0, 12);
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
    keys.put(record.id(), record);
    LOGGER.info(
        "API key created id={} role={} scope={} by={}", id, role, record.scope(), createdBy);
    return new IssuedApiKey(key, record);
  }

  /** Revokes a key; revoking a revoked key changes nothing. */
  public synchronized Optional<ApiKey> revoke(String id, String revokedBy) {
    Optional<ApiKey> found = keys.find(id);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    ApiKey key = found.get();
    if (key.active()) {
      key = key.revoked(clock.instant(), revokedBy);
      keys.put(key.id(), key);
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
    for (ApiKey key : List.copyOf(keys.current().values())) {
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

  /** Every key, oldest first, as of this call (keys created on any instance before it). */
  public List<ApiKey> list() {
    return keys.current().values().stream()
        .sorted(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id))
        .toList();
  }

  public Optional<ApiKey> find(String id) {
    return keys.find(id);
  }

  public boolean hasActiveAdmin() {
    return keys.current().values().stream().anyMatch(k -> k.active() && k.role() == Role.ADMIN);
  }

  public boolean isEmpty() {
    return keys.current().isEmpty();
  }

  /**
   * Copies the keys of a key file written by an earlier Lattice (one instance, keys in {@code
   * <data-dir>/security/api-keys.json}) into the shared topic, once: keys already in the topic are
   * left alone, and the file is renamed {@code *.imported} afterwards.
   */
  public void importLegacyFile(Path file) {
    if (file == null || !Files.exists(file)) {
      return;
    }
    List<ApiKey> legacy;
    try {
      legacy = JsonMapper.builder().build().readValue(Files.readString(file), KEY_LIST);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the API key file " + file, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "The API key file " + file + " is not valid JSON; restore it from a backup", e);
    }
    Map<String, ApiKey> current = keys.current();
    int imported = 0;
    for (ApiKey key : legacy) {
      if (!current.containsKey(key.id())) {
        keys.put(key.id(), key);
        imported++;
      }
    }
    try {
      Files.move(file, file.resolveSibling(file.getFileName() + ".imported"));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot rename the imported API key file " + file, e);
    }
    LOGGER.info("Imported {} API keys from {} into {}", imported, file, keys.topic());
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
