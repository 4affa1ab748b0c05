package dev.lattice.schemas.internal;

import dev.lattice.schemas.SchemaCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Publishes the current schemas: for each published type whose generated schema differs from its
 * latest published version, writes {@code <dir>/<Name>/v<N+1>.avsc} (self-contained). When only
 * documentation or properties changed (same fingerprint), the latest version is rewritten in place
 * instead, since the wire format is unchanged.
 *
 * <p>Run after {@code compile}: {@code java -cp schemas/target/classes:<avro,jackson>
 * dev.lattice.schemas.internal.SchemaPublisher schemas/src/main/avro/published} (see README).
 */
public final class SchemaPublisher {

  private SchemaPublisher() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "schemas/src/main/avro/published");
    for (String line : publish(dir)) {
      System.out.println(line);
    }
  }

  /** Publishes what changed; returns one line per file written. */
  public static List<String> publish(Path dir) throws IOException {
    List<String> written = new ArrayList<>();
    for (Class<? extends SpecificRecord> type : SchemaCatalog.TYPES) {
      Schema current = SpecificData.get().getSchema(type);
      String name = type.getSimpleName();
      Path typeDir = dir.resolve(name);
      Files.createDirectories(typeDir);
      int latest = 0;
      while (Files.exists(typeDir.resolve("v" + (latest + 1) + ".avsc"))) {
        latest++;
      }
      Path target;
      if (latest == 0) {
        target = typeDir.resolve("v1.avsc");
      } else {
        Path latestFile = typeDir.resolve("v" + latest + ".avsc");
        Schema published = new Schema.Parser().parse(latestFile.toFile());
        if (published.equals(current) && published.toString(true).equals(current.toString(true))) {
          continue;
        }
        boolean sameWire =
            SchemaNormalization.parsingFingerprint64(published)
                == SchemaNormalization.parsingFingerprint64(current);
        target = sameWire ? latestFile : typeDir.resolve("v" + (latest + 1) + ".avsc");
      }
      Files.writeString(target, current.toString(true) + "\n", StandardCharsets.UTF_8);
      written.add("wrote " + target);
    }
    return written;
  }
}
