package dev.lattice.streams.internal.enforce;

import dev.lattice.policy.DecisionInput.Destination;
import dev.lattice.policy.DecisionInput.Kind;
import dev.lattice.policy.DecisionInput.SourceControl;
import dev.lattice.streams.internal.network.NetworkDirectory;
import dev.lattice.streams.internal.network.NetworkRules;

/**
 * Who controls the networks and brands of a flow, for the decision input ({@code
 * input.source_network.controller}, {@code destination.controller}, {@code
 * event.brand_controller}), read from the networks' controllers in the {@link NetworkDirectory}.
 * Stateless; thread-safe as the directory is.
 */
final class Controllers {
  private final NetworkDirectory networks;

  Controllers(NetworkDirectory networks) {
    this.networks = networks;
  }

  /** Who controls the source network, or {@link SourceControl#UNKNOWN}. */
  SourceControl ofSource(String network) {
    NetworkRules.Controller c = networks.controllerOf(network);
    if (c == null) {
      return SourceControl.UNKNOWN;
    }
    return c.transferred()
        ? new SourceControl(c.organisation(), c.brand(), c.since(), c.previous())
        : new SourceControl(c.organisation(), c.brand(), null, null);
  }

  /** The destination with its controller (a network's organisation, a brand's), when known. */
  Destination withController(Destination d) {
    String controller =
        d.kind() == Kind.NETWORK ? organisationOf(d.id()) : networks.organisationOfBrand(d.id());
    return controller == null ? d : d.controlledBy(controller);
  }

  /** The organisation that controls a brand, or null when no network's controller names it. */
  String ofBrand(String brand) {
    return networks.organisationOfBrand(brand);
  }

  private String organisationOf(String network) {
    NetworkRules.Controller c = networks.controllerOf(network);
    return c == null ? null : c.organisation();
  }
}
