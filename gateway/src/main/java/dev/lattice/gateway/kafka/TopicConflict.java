package dev.lattice.gateway.kafka;

/**
 * An existing topic whose setting differs from the catalogue; provisioning reports it and changes
 * nothing.
 */
public record TopicConflict(String topic, String setting, String expected, String actual) {
  @Override
  public String toString() {
    return topic + ": " + setting + " is " + actual + ", the catalogue says " + expected;
  }
}
