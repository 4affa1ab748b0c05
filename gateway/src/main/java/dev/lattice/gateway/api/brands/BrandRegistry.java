package dev.lattice.gateway.api.brands;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The registered brands, kept as a JSON file under the data directory ({@code
 * <data-dir>/gateway/brands.json}), rewritten atomically on every change. Thread-safe.
 */
public final class BrandRegistry {

  private static final TypeReference<List<Brand>> LIST = new TypeReference<>() {};
  private final Path file;
  private final JsonMapper json = JsonMapper.builder().build();
  private final Map<String, Brand> brands = new LinkedHashMap<>();

  public BrandRegistry(Path file) {
    this.file = file;
    if (Files.exists(file)) {
      try {
        json.readValue(Files.readString(file), LIST).forEach(b -> brands.put(b.id(), b));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read the brand registry " + file, e);
      }
    }
  }

  public synchronized Optional<Brand> find(String id) {
    return Optional.ofNullable(brands.get(id));
  }

  public synchronized List<Brand> list() {
    return List.copyOf(brands.values());
  }

  /** Adds a brand; false when the id is taken. */
  public synchronized boolean add(Brand brand) {
    if (brands.containsKey(brand.id())) {
      return false;
    }
    brands.put(brand.id(), brand);
    save();
    return true;
  }

  public synchronized Optional<Brand> update(String id, UnaryOperator<Brand> change) {
    Brand current = brands.get(id);
    if (current == null) {
      return Optional.empty();
    }
    Brand updated = change.apply(current);
    brands.put(id, updated);
    save();
    return Optional.of(updated);
  }

  private void save() {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, json.writeValueAsString(new ArrayList<>(brands.values())));
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the brand registry " + file, e);
    }
  }
}
