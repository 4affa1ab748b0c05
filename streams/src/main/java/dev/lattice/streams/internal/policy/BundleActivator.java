package dev.lattice.streams.internal.policy;

import dev.lattice.policy.ActivationResult;
import dev.lattice.policy.DecisionService;
import dev.lattice.policy.PolicyActivationException;
import dev.lattice.schemas.avro.PolicyBundleRecord;
import dev.lattice.streams.internal.codec.AvroCodec;
import java.nio.ByteBuffer;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Global processor of {@code lattice.policy.bundles}: activates each published bundle through the
 * {@link DecisionService}. A bundle that fails to load, verify, compile or pass its tests is
 * refused by the service and the previous bundle keeps deciding. Runs again on restore, so a
 * restarted instance ends on the last good bundle of the topic.
 */
public final class BundleActivator implements Processor<String, byte[], Void, Void> {
  private static final Logger LOGGER = LoggerFactory.getLogger(BundleActivator.class);
  private static final AvroCodec<PolicyBundleRecord> CODEC = AvroCodec.of(PolicyBundleRecord.class);
  private static final Set<String> ACTIVATABLE = Set.of("published", "active");
  private final String storeName;
  private final DecisionService decisions;
  private KeyValueStore<String, byte[]> store;

  public BundleActivator(String storeName, DecisionService decisions) {
    this.storeName = storeName;
    this.decisions = decisions;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() == null || record.value() == null) {
      return;
    }
    PolicyBundleRecord bundle;
    try {
      bundle = CODEC.decode(record.value());
    } catch (RuntimeException e) {
      LOGGER.warn(
          "unreadable policy bundle record ignored key={} reason={}", record.key(), e.getMessage());
      return;
    }
    store.put(record.key(), record.value());
    if (!ACTIVATABLE.contains(bundle.getStatus())) {
      return;
    }
    ByteBuffer buffer = bundle.getBundle().duplicate();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    try {
      ActivationResult result = decisions.activate(bytes);
      LOGGER.info(
          "policy bundle activated revision={} previous={}",
          result.revision(),
          result.previousRevision());
    } catch (PolicyActivationException e) {
      LOGGER.warn(
          "policy bundle refused revision={} stage={} active={} problems={}",
          bundle.getRevision(),
          e.stage(),
          decisions.activeRevision(),
          e.problems());
    } catch (RuntimeException e) {
      LOGGER.warn(
          "policy bundle refused revision={} active={} reason={}",
          bundle.getRevision(),
          decisions.activeRevision(),
          e.toString());
    }
  }
}
