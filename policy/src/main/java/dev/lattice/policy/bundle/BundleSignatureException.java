package dev.lattice.policy.bundle;

/**
 * A bundle's signature is missing while a verification key is configured, does not verify with the
 * configured key, or does not match the bundle's files (a file was changed, added or removed).
 */
public class BundleSignatureException extends BundleException {
  public BundleSignatureException(String source, String file, String problem, Throwable cause) {
    super(source, file, problem, cause);
  }

  public BundleSignatureException(String source, String file, String problem) {
    super(source, file, problem, null);
  }
}
