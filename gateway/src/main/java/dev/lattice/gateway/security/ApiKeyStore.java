package dev.lattice.gateway.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * API keys, kept as a JSON file under the data directory so they survive restarts. The file holds
 * only SHA-256 hashes of the keys, never a key itself. Every change rewrites the file atomically
 * (write to a sibling temp file, then rename).
 *
 * <p>Thread-safe. Keys are 32 random bytes (base64url) prefixed {@code lk_}: high-entropy, so a
 * fast hash is the right tool (no password hashing needed) and lookup is by hash.
 */
public final class ApiKeyStore {

  private static final Logger LOGGER = LoggerFactory.getLogger(ApiKeyStore.class);
  private static final int MIN_KEY_LENGTH = 16;
  private static final int MAX_KEY_LENGTH = 256;
  private static final TypeReference<List<ApiKey>> KEY_LIST = new TypeReference<>() {};

  private final Path file;
  private final Clock clock;
  private final JsonMapper json = JsonMapper.builder().build();
  private final SecureRandom random = new SecureRandom();
  private final Map<String, ApiKey> byId = new LinkedHashMap<>();
  private final Map<String, ApiKey> byHash = new LinkedHashMap<>();

  /** A newly created key: the key itself (shown once) and its stored record. */
  public record IssuedApiKey(String key, ApiKey record) {}

  public ApiKeyStore(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
    load();
  }

  public Path file() {
    return file;
  }

  /** The active key whose hash matches {@code presented}, if any. */
  public synchronized Optional<ApiKey> authenticate(String presented) {
    ApiKey key = byHash.get(hash(presented));
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
            null);
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
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, json.writeValueAsString(new ArrayList<>(byId.values())));
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the API key store " + file, e);
    }
  }

  static String hash(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
