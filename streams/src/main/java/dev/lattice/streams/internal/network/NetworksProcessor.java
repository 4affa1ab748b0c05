package dev.lattice.streams.internal.network;

import dev.lattice.policy.DecisionService;
import dev.lattice.schemas.avro.NetworkDocument;
import dev.lattice.streams.internal.codec.AvroCodec;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Global processor of {@code lattice.networks}: keeps the global store, the {@link
 * NetworkDirectory} and the policy engine's {@code data.networks.<id>} in step. Also runs when the
 * global store is restored, so a restarted instance knows every network before it processes events.
 */
public final class NetworksProcessor implements Processor<String, byte[], Void, Void> {
  private static final Logger LOGGER = LoggerFactory.getLogger(NetworksProcessor.class);
  private static final AvroCodec<NetworkDocument> CODEC = AvroCodec.of(NetworkDocument.class);
  private final String storeName;
  private final NetworkDirectory directory;
  private final DecisionService decisions;
  private KeyValueStore<String, byte[]> store;

  public NetworksProcessor(
      String storeName, NetworkDirectory directory, DecisionService decisions) {
    this.storeName = storeName;
    this.directory = directory;
    this.decisions = decisions;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    String id = record.key();
    if (id == null) {
      LOGGER.warn("network document without a key ignored; networks are keyed by network id");
      return;
    }
    if (record.value() == null) {
      store.delete(id);
      directory.remove(id);
      decisions.removeData("networks/" + id);
      LOGGER.info("network removed networkId={}", id);
      return;
    }
    NetworkRules rules;
    try {
      NetworkDocument doc = CODEC.decode(record.value());
      if (!id.equals(doc.getNetworkId())) {
        throw new IllegalArgumentException("document names network " + doc.getNetworkId());
      }
      rules = NetworkRules.parse(id, doc.getVersion(), doc.getRulesJson());
    } catch (RuntimeException e) {
      // The previous rules stay in force: a bad document must not open or close a network by
      // accident.
      LOGGER.warn("unreadable network document ignored networkId={} reason={}", id, e.getMessage());
      return;
    }
    store.put(id, record.value());
    directory.put(rules);
    decisions.putData("networks/" + id, rules.document());
    LOGGER.info("network rules loaded networkId={} version={}", id, rules.version());
  }
}
