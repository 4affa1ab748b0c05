package dev.lattice.schemas;

import dev.lattice.schemas.avro.ConsentCommand;
import dev.lattice.schemas.avro.ConsentRejection;
import dev.lattice.schemas.avro.ConsentState;
import dev.lattice.schemas.avro.ContentEvent;
import dev.lattice.schemas.avro.ContentPersonal;
import dev.lattice.schemas.avro.DecisionRecord;
import dev.lattice.schemas.avro.InsightRecord;
import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.MemberKeyRecord;
import dev.lattice.schemas.avro.MemberPersonal;
import dev.lattice.schemas.avro.NetworkDocument;
import dev.lattice.schemas.avro.NoticeRecord;
import dev.lattice.schemas.avro.OfferDelivery;
import dev.lattice.schemas.avro.OfferEvent;
import dev.lattice.schemas.avro.PolicyBundleRecord;
import dev.lattice.schemas.avro.PurchaseEvent;
import dev.lattice.schemas.avro.PurchasePersonal;
import dev.lattice.schemas.avro.QuarantineRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every Lattice schema with every published version, loaded from the classpath ({@value
 * #RESOURCE_ROOT}{@code <Name>/v<N>.avsc}).
 *
 * <p>Immutable and thread-safe. {@link #standard()} is loaded once per JVM.
 */
public final class SchemaCatalog {

  /** Where the published versions live on the classpath. */
  public static final String RESOURCE_ROOT = "dev/lattice/schemas/published/";

  /** The record types that are published (topic values and personal parts), in listing order. */
  public static final List<Class<? extends SpecificRecord>> TYPES =
      List.of(
          MemberDataEvent.class,
          ContentEvent.class,
          OfferEvent.class,
          PurchaseEvent.class,
          ConsentCommand.class,
          ConsentState.class,
          ConsentRejection.class,
          NetworkDocument.class,
          PolicyBundleRecord.class,
          DecisionRecord.class,
          OfferDelivery.class,
          InsightRecord.class,
          QuarantineRecord.class,
          MemberKeyRecord.class,
          MemberPersonal.class,
          ContentPersonal.class,
          PurchasePersonal.class,
          NoticeRecord.class);

  private static final class Holder {
    static final SchemaCatalog STANDARD = load(SchemaCatalog.class.getClassLoader());
  }

  private final Map<String, PublishedSchema> byName;
  private final List<PublishedSchema> ordered;
  private final Map<Long, SchemaVersion> byFingerprint;
  private final Map<Long, PublishedSchema> ownerByFingerprint;
  private final SchemaStore.Cache store = new SchemaStore.Cache();

  private SchemaCatalog(List<PublishedSchema> schemas) {
    Map<String, PublishedSchema> names = new LinkedHashMap<>();
    Map<Long, SchemaVersion> fps = new HashMap<>();
    Map<Long, PublishedSchema> owners = new HashMap<>();
    for (PublishedSchema s : schemas) {
      names.put(s.name(), s);
      for (SchemaVersion v : s.versions()) {
        SchemaVersion clash = fps.putIfAbsent(v.fingerprint(), v);
        if (clash != null) {
          throw new IllegalStateException(
              "published schemas "
                  + owners.get(v.fingerprint()).name()
                  + " v"
                  + clash.version()
                  + " and "
                  + s.name()
                  + " v"
                  + v.version()
                  + " have the same fingerprint "
                  + v.fingerprintHex()
                  + "; a new version must change the wire format");
        }
        owners.put(v.fingerprint(), s);
        store.addSchema(v.schema());
      }
    }
    this.byName = Map.copyOf(names);
    this.byFingerprint = Map.copyOf(fps);
    this.ownerByFingerprint = Map.copyOf(owners);
    this.ordered = List.copyOf(names.values());
  }

  /** The catalogue of this build's published schemas. */
  public static SchemaCatalog standard() {
    return Holder.STANDARD;
  }

  /** Every schema, in {@link #TYPES} order. */
  public List<PublishedSchema> schemas() {
    return ordered;
  }

  /** The schema of that simple name ({@code MemberDataEvent}), if published. */
  public Optional<PublishedSchema> schema(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The schema of that generated class. */
  public PublishedSchema schema(Class<? extends SpecificRecord> type) {
    PublishedSchema s = byName.get(type.getSimpleName());
    if (s == null || !s.type().equals(type)) {
      throw new IllegalArgumentException(
          type.getName() + " is not a published Lattice schema; published: " + byName.keySet());
    }
    return s;
  }

  /** The published version with that fingerprint. */
  public Optional<SchemaVersion> version(long fingerprint) {
    return Optional.ofNullable(byFingerprint.get(fingerprint));
  }

  /** The schema a fingerprint belongs to. */
  public Optional<PublishedSchema> owner(long fingerprint) {
    return Optional.ofNullable(ownerByFingerprint.get(fingerprint));
  }

  /** A schema store holding every published version of every schema (for Avro's decoders). */
  public SchemaStore store() {
    return store;
  }

  /** Loads the published versions of {@link #TYPES} from the given class loader. */
  public static SchemaCatalog load(ClassLoader loader) {
    List<PublishedSchema> schemas = new ArrayList<>();
    for (Class<? extends SpecificRecord> type : TYPES) {
      String name = type.getSimpleName();
      List<SchemaVersion> versions = new ArrayList<>();
      for (int v = 1; ; v++) {
        String path = RESOURCE_ROOT + name + "/v" + v + ".avsc";
        try (InputStream in = loader.getResourceAsStream(path)) {
          if (in == null) {
            break;
          }
          Schema schema = new Schema.Parser().parse(in);
          versions.add(
              new SchemaVersion(v, SchemaNormalization.parsingFingerprint64(schema), schema));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read published schema " + path, e);
        }
      }
      if (versions.isEmpty()) {
        throw new IllegalStateException(
            "no published version of " + name + " on the classpath under " + RESOURCE_ROOT);
      }
      schemas.add(new PublishedSchema(name, type, versions));
    }
    return new SchemaCatalog(schemas);
  }
}
