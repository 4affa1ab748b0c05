package dev.lattice.gateway.api.members;

import dev.lattice.gateway.api.ingest.EventType;
import dev.lattice.gateway.events.MemberKeyring;
import dev.lattice.schemas.AvroCodec;
import dev.lattice.schemas.AvroJson;
import dev.lattice.schemas.PersonalRecords;
import dev.lattice.schemas.avro.EventHeader;
import dev.lattice.schemas.avro.SealedPersonal;
import dev.lattice.streams.PayloadCipher;
import dev.lattice.streams.PayloadUnsealException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Finds a member's events in the ingest topics (only the partition their member id maps to) and
 * opens their sealed personal parts with the member's key. Once the key is erased, the personal
 * parts are reported as unreadable: that is crypto-shredding.
 */
public final class MemberDataScanner {

  private final Map<String, Object> clientProperties;
  private final MemberKeyring keyring;
  private final JsonMapper json = JsonMapper.builder().build();

  public MemberDataScanner(Map<String, Object> clientProperties, MemberKeyring keyring) {
    this.clientProperties = Map.copyOf(clientProperties);
    this.keyring = keyring;
  }

  /**
   * Every event about the member (at most {@code limit} per topic), newest last. For an erased
   * member only that each event existed (type, id, time): none of its content, not even the
   * non-sealed fields (a purchase's sku and brand are personal too).
   */
  public List<JsonNode> events(String memberId, int limit, boolean erased) {
    Optional<MemberKeyring.Keyed> key = keyring.find(memberId);
    List<JsonNode> out = new ArrayList<>();
    for (EventType type : EventType.values()) {
      for (SpecificRecordBase event : read(type, memberId, limit)) {
        out.add(erased ? erasedView(type, event) : view(type, event, memberId, key));
      }
    }
    return out;
  }

  private JsonNode erasedView(EventType type, SpecificRecordBase event) {
    EventHeader header = (EventHeader) event.get("header");
    ObjectNode node = json.createObjectNode();
    node.put("type", type.path());
    node.put("event_id", header.getEventId());
    node.put("occurred_at", header.getOccurredAt().toString());
    // the network it came from (a network's SERVICE key sees only its own network's events)
    node.putObject("header").put("source_network", header.getSourceNetwork());
    node.putNull("personal");
    node.put("personalStatus", "erased: the member's data is unreadable and no longer shown");
    return node;
  }

  private JsonNode view(
      EventType type,
      SpecificRecordBase event,
      String memberId,
      Optional<MemberKeyring.Keyed> key) {
    ObjectNode node = (ObjectNode) AvroJson.toJsonNode(event);
    node.put("type", type.path());
    Schema.Field sealedField = event.getSchema().getField("sealed");
    Schema.Field personalField = event.getSchema().getField("personal");
    if (sealedField != null && event.get(sealedField.pos()) instanceof SealedPersonal sealed) {
      node.remove("sealed");
      Optional<JsonNode> opened = open(sealed, memberId, key, personalField);
      if (opened.isPresent()) {
        node.set("personal", opened.get());
      } else {
        node.putNull("personal");
        node.put(
            "personalStatus",
            "unreadable: the member's data key was erased (crypto-shredded) or is unknown");
      }
    }
    return node;
  }

  @SuppressWarnings("unchecked")
  private Optional<JsonNode> open(
      SealedPersonal sealed,
      String memberId,
      Optional<MemberKeyring.Keyed> key,
      Schema.Field personalField) {
    if (key.isEmpty() || !key.get().keyId().equals(sealed.getKeyId())) {
      return Optional.empty();
    }
    try {
      ByteBuffer buffer = sealed.getCiphertext().duplicate();
      byte[] ciphertext = new byte[buffer.remaining()];
      buffer.get(ciphertext);
      byte[] plain = PayloadCipher.unseal(key.get().key(), memberId, ciphertext);
      Schema personalSchema =
          personalField.schema().getTypes().stream()
              .filter(s -> s.getType() == Schema.Type.RECORD)
              .findFirst()
              .orElseThrow();
      Class<? extends SpecificRecord> personalType =
          (Class<? extends SpecificRecord>)
              Class.forName(
                  personalSchema.getFullName(), true, MemberDataScanner.class.getClassLoader());
      return Optional.of(AvroJson.toJsonNode(PersonalRecords.decode(plain, personalType)));
    } catch (PayloadUnsealException e) {
      return Optional.empty();
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("No generated class for a personal record", e);
    }
  }

  @SuppressWarnings("unchecked")
  private List<SpecificRecordBase> read(EventType type, String memberId, int limit) {
    String topic = type.topic().name();
    AvroCodec<SpecificRecordBase> codec = AvroCodec.of((Class<SpecificRecordBase>) type.avroType());
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    List<SpecificRecordBase> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
      int partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).size();
      // The default partitioner's choice for this key: only that partition can hold the member.
      int partition =
          Utils.toPositive(Utils.murmur2(memberId.getBytes(StandardCharsets.UTF_8))) % partitions;
      TopicPartition tp = new TopicPartition(topic, partition);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (consumer.position(tp) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (!memberId.equals(record.key()) || record.value() == null) {
            continue;
          }
          SpecificRecordBase event = codec.decode(record.value());
          EventHeader header = (EventHeader) event.get("header");
          if (memberId.equals(header.getSubjectMember())) {
            out.add(event);
            if (out.size() > limit) {
              out.removeFirst();
            }
          }
        }
      }
    }
    return out;
  }

  static Map<String, Object> summary(List<JsonNode> events) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("events", events.size());
    summary.put("unreadable", events.stream().filter(e -> e.has("personalStatus")).count());
    return summary;
  }
}
