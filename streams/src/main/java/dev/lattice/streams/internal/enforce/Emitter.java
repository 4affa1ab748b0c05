package dev.lattice.streams.internal.enforce;

import dev.lattice.streams.internal.codec.TopologyOutput;

/** Where the units of the member sub-topology put what they emit (the processor's context). */
@FunctionalInterface
public interface Emitter {
  void emit(TopologyOutput output);
}
