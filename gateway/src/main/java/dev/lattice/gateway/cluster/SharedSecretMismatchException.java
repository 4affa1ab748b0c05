package dev.lattice.gateway.cluster;

/**
 * This instance was given a secret that differs from the one the other instances of its cluster
 * (the same Kafka and application id) use: it refuses to start rather than hash API keys, wrap
 * member keys, derive pseudonyms or sign forwarded queries differently from them.
 */
public class SharedSecretMismatchException extends RuntimeException {
  public SharedSecretMismatchException(String message) {
    super(message);
  }
}
