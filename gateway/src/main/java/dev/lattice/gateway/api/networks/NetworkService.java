package dev.lattice.gateway.api.networks;

import dev.lattice.gateway.events.CompactedTopicView;
import dev.lattice.gateway.events.EventPublisher;
import dev.lattice.gateway.kafka.TopicProvisioner;
import dev.lattice.gateway.problem.ConflictException;
import dev.lattice.gateway.problem.FieldProblem;
import dev.lattice.gateway.problem.InvalidRequestException;
import dev.lattice.gateway.problem.ResourceNotFoundException;
import dev.lattice.schemas.AvroCodec;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.schemas.avro.NetworkDocument;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Networks and their rules, kept as documents in the compacted {@code lattice.networks} topic (the
 * topology loads them into the policy engine as {@code data.networks.<id>}). Rules are validated
 * against the policy module's JSON Schema before they are published. Creating a network also
 * provisions its output topic {@code lattice.out.network.<id>}.
 */
public final class NetworkService {

  static final Pattern ID = Pattern.compile("[a-zA-Z0-9_-]{1,100}");

  private final CompactedTopicView<NetworkDocument> view;
  private final EventPublisher publisher;
  private final TopicProvisioner provisioner;
  private final NetworkRulesValidator validator;
  private final JsonMapper json;
  private final Clock clock;
  private final java.util.function.Predicate<String> brandExists;
  private final AvroCodec<NetworkDocument> codec = AvroCodec.of(NetworkDocument.class);

  public NetworkService(
      CompactedTopicView<NetworkDocument> view,
      EventPublisher publisher,
      TopicProvisioner provisioner,
      NetworkRulesValidator validator,
      JsonMapper json,
      Clock clock,
      java.util.function.Predicate<String> brandExists) {
    this.brandExists = brandExists;
    this.view = view;
    this.publisher = publisher;
    this.provisioner = provisioner;
    this.validator = validator;
    this.json = json;
    this.clock = clock;
  }

  public List<NetworkDocument> list() {
    view.awaitCaughtUp(Duration.ofSeconds(5));
    return view.snapshot().values().stream()
        .sorted(Comparator.comparing(NetworkDocument::getNetworkId))
        .toList();
  }

  public NetworkDocument get(String id) {
    return find(id).orElseThrow(() -> new ResourceNotFoundException("network", id));
  }

  public Optional<NetworkDocument> find(String id) {
    Optional<NetworkDocument> found = view.get(id);
    if (found.isEmpty()) {
      view.awaitCaughtUp(Duration.ofSeconds(5));
      found = view.get(id);
    }
    return found;
  }

  public synchronized NetworkDocument create(String id, String name, JsonNode rules, String by) {
    List<FieldProblem> errors = new ArrayList<>();
    if (id == null || !ID.matcher(id).matches()) {
      errors.add(new FieldProblem("$.id", "must be 1-100 of letters, digits, '_' and '-'"));
    }
    ObjectNode checked = checkRules(id, name, rules, errors);
    if (!errors.isEmpty()) {
      throw new InvalidRequestException("The network is invalid", errors);
    }
    if (find(id).isPresent()) {
      throw new ConflictException("Network '" + id + "' already exists; use PUT to change it");
    }
    provisioner.provision(List.of(TopicCatalogue.networkOutput(id)));
    return publish(id, name, checked, 1, by);
  }

  public synchronized NetworkDocument update(String id, String name, JsonNode rules, String by) {
    NetworkDocument current = get(id);
    List<FieldProblem> errors = new ArrayList<>();
    String newName = name == null || name.isBlank() ? current.getName() : name;
    ObjectNode checked = checkRules(id, newName, rules, errors);
    if (!errors.isEmpty()) {
      throw new InvalidRequestException("The network rules are invalid", errors);
    }
    return publish(id, newName, checked, current.getVersion() + 1, by);
  }

  /** Adds or replaces the agreement with {@code agreement.network}. */
  public synchronized NetworkDocument putAgreement(String id, JsonNode agreement, String by) {
    NetworkDocument current = get(id);
    if (agreement == null || !agreement.isObject() || !agreement.hasNonNull("network")) {
      throw new InvalidRequestException(
          "An agreement names the partner network",
          List.of(new FieldProblem("$.network", "is required")));
    }
    String partner = agreement.get("network").asString();
    if (partner.equals(id)) {
      throw new InvalidRequestException(
          "A network has no agreement with itself",
          List.of(new FieldProblem("$.network", "must be another network")));
    }
    ObjectNode rules = rules(current);
    ArrayNode agreements = json.createArrayNode();
    if (rules.get("agreements") instanceof ArrayNode existing) {
      existing.forEach(
          a -> {
            if (!partner.equals(a.path("network").asString(""))) {
              agreements.add(a);
            }
          });
    }
    agreements.add(agreement);
    rules.set("agreements", agreements);
    return validateAndPublish(current, rules, by, "$.agreements[" + (agreements.size() - 1) + "]");
  }

  public synchronized NetworkDocument removeAgreement(String id, String partner, String by) {
    NetworkDocument current = get(id);
    ObjectNode rules = rules(current);
    ArrayNode agreements = json.createArrayNode();
    boolean removed = false;
    if (rules.get("agreements") instanceof ArrayNode existing) {
      for (JsonNode a : existing) {
        if (partner.equals(a.path("network").asString(""))) {
          removed = true;
        } else {
          agreements.add(a);
        }
      }
    }
    if (!removed) {
      throw new ResourceNotFoundException("agreement of network " + id + " with", partner);
    }
    rules.set("agreements", agreements);
    return validateAndPublish(current, rules, by, "$");
  }

  public ObjectNode rules(NetworkDocument document) {
    return (ObjectNode) json.readTree(document.getRulesJson());
  }

  private NetworkDocument validateAndPublish(
      NetworkDocument current, ObjectNode rules, String by, String at) {
    List<FieldProblem> errors =
        validator.validate(json.writeValueAsString(rules), "$").stream()
            .map(p -> p.path().startsWith("$.agreements") ? p : new FieldProblem(at, p.message()))
            .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
    errors.addAll(unknownReferences(current.getNetworkId(), rules, "$"));
    if (!errors.isEmpty()) {
      throw new InvalidRequestException("The agreement is invalid", errors);
    }
    return publish(current.getNetworkId(), current.getName(), rules, current.getVersion() + 1, by);
  }

  private ObjectNode checkRules(String id, String name, JsonNode rules, List<FieldProblem> errors) {
    if (name == null || name.isBlank()) {
      errors.add(new FieldProblem("$.name", "must not be blank"));
    }
    if (rules == null || !rules.isObject()) {
      errors.add(new FieldProblem("$.rules", "must be an object (the network rules)"));
      return null;
    }
    ObjectNode copy = ((ObjectNode) rules).deepCopy();
    if (copy.has("id") && id != null && !id.equals(copy.get("id").asString(""))) {
      errors.add(
          new FieldProblem("$.rules.id", "must equal the network id '" + id + "' when given"));
    }
    if (!copy.has("name") && name != null && !name.isBlank()) {
      copy.put("name", name);
    }
    errors.addAll(validator.validate(json.writeValueAsString(copy), "$.rules"));
    errors.addAll(unknownReferences(id, copy, "$.rules"));
    return copy;
  }

  /**
   * Every place in {@code rules} where data would go to, or come from, a brand or network that is
   * not registered: a flow to an unknown destination can never be delivered (the topology denies it
   * with {@code destination.unknown}), so the rules are refused up front. {@code *} is allowed;
   * {@code offers.brands_allow}/{@code brands_deny} only filter incoming offers and may name brands
   * that register later.
   */
  List<FieldProblem> unknownReferences(String self, JsonNode rules, String root) {
    List<FieldProblem> problems = new ArrayList<>();
    checkIds(
        rules.path("export").path("networks"), root + ".export.networks", self, true, problems);
    checkIds(rules.path("export").path("brands"), root + ".export.brands", self, false, problems);
    checkIds(
        rules.path("import").path("networks"), root + ".import.networks", self, true, problems);
    checkIds(
        rules.path("insights").path("brands"), root + ".insights.brands", self, false, problems);
    JsonNode agreements = rules.path("agreements");
    for (int i = 0; i < agreements.size(); i++) {
      JsonNode partner = agreements.get(i).path("network");
      if (partner.isString() && !knownNetwork(partner.asString(), self)) {
        problems.add(
            new FieldProblem(
                root + ".agreements[" + i + "].network",
                "network '" + partner.asString() + "' is not registered"));
      }
    }
    return problems;
  }

  private void checkIds(
      JsonNode list, String path, String self, boolean networks, List<FieldProblem> problems) {
    if (!list.isArray()) {
      return;
    }
    for (int i = 0; i < list.size(); i++) {
      String id = list.get(i).asString("");
      if (id.isEmpty() || id.equals("*")) {
        continue;
      }
      boolean known = networks ? knownNetwork(id, self) : brandExists.test(id);
      if (!known) {
        problems.add(
            new FieldProblem(
                path + "[" + i + "]",
                (networks ? "network '" : "brand '") + id + "' is not registered"));
      }
    }
  }

  private boolean knownNetwork(String id, String self) {
    return id.equals(self) || view.get(id).isPresent();
  }

  private NetworkDocument publish(
      String id, String name, ObjectNode rules, long version, String by) {
    NetworkDocument document =
        NetworkDocument.newBuilder()
            .setNetworkId(id)
            .setName(name)
            .setVersion(version)
            .setRulesJson(json.writeValueAsString(rules))
            .setUpdatedAt(clock.instant())
            .setUpdatedBy(by)
            .build();
    publisher.publish(TopicCatalogue.NETWORKS.name(), id, codec.encode(document));
    view.awaitCaughtUp(Duration.ofSeconds(10));
    return document;
  }
}
