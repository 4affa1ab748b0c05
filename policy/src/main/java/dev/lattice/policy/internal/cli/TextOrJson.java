package dev.lattice.policy.internal.cli;

/** The {@code --format} of the policy commands: text for people, json for machines. */
public enum TextOrJson {
  text,
  json
}
