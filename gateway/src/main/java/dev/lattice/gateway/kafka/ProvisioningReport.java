package dev.lattice.gateway.kafka;

import java.util.List;

/**
 * What one provisioning run did: topics created, topics already there, and settings that conflict.
 */
public record ProvisioningReport(
    List<String> created, List<String> existing, List<TopicConflict> conflicts) {
  public ProvisioningReport {
    created = List.copyOf(created);
    existing = List.copyOf(existing);
    conflicts = List.copyOf(conflicts);
  }
}
