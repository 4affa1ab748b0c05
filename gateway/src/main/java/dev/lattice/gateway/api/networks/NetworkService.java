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
import java.util.Locale;
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
    return create(id, name, rules, null, by);
  }

  /**
   * Creates a network controlled by {@code controller} ({@code {organisation, brand,
   * privacy_contact}}; null = no controller recorded).
   */
  public synchronized NetworkDocument create(
      String id, String name, JsonNode rules, JsonNode controller, String by) {
    List<FieldProblem> errors = new ArrayList<>();
    if (id == null || !ID.matcher(id).matches()) {
      errors.add(new FieldProblem("$.id", "must be 1-100 of letters, digits, '_' and '-'"));
    }
    if (rules != null && rules.isObject()) {
      for (String managed : MANAGED) {
        if (rules.has(managed)) {
          errors.add(
              new FieldProblem(
                  "$.rules." + managed,
                  "is managed by Lattice: name the controller in $.controller; it changes only"
                      + " through POST /api/v1/networks/{id}/transfer"));
        }
      }
    }
    ObjectNode controlledBy =
        controller == null || controller.isNull()
            ? null
            : checkController(controller, "$.controller", null, errors);
    // A network created without rules shares nothing and accepts no offers until its rules say
    // otherwise: the bundle reads every absent rule as a refusal.
    JsonNode effectiveRules = rules == null || rules.isNull() ? json.createObjectNode() : rules;
    ObjectNode checked = checkRules(id, name, effectiveRules, errors);
    if (checked != null && controlledBy != null) {
      checked.set("controller", controlledBy);
    }
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
    ObjectNode now = rules(current);
    ObjectNode incoming =
        rules != null && rules.isObject() ? ((ObjectNode) rules).deepCopy() : null;
    if (incoming != null) {
      for (String managed : MANAGED) {
        if (incoming.has(managed) && !incoming.get(managed).equals(now.get(managed))) {
          errors.add(
              new FieldProblem(
                  "$.rules." + managed,
                  "is managed by Lattice and changes only through POST"
                      + " /api/v1/networks/{id}/transfer; leave it out or unchanged"));
        }
        incoming.remove(managed);
        if (now.has(managed)) {
          incoming.set(managed, now.get(managed));
        }
      }
    }
    ObjectNode checked = checkRules(id, newName, incoming == null ? rules : incoming, errors);
    if (!errors.isEmpty()) {
      throw new InvalidRequestException("The network rules are invalid", errors);
    }
    return publish(id, newName, checked, current.getVersion() + 1, by);
  }

  /** Parts of the rules only Lattice writes: the controller and a pending transfer. */
  static final List<String> MANAGED = List.of("controller", "transfer_pending");

  static final Pattern CONTACT = Pattern.compile("^(https://\\S+|[^@\\s]+@[^@\\s]+\\.[^@\\s]+)$");

  static final Pattern ORGANISATION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");

  /**
   * Checks a controller ({@code organisation}, optional {@code brand}, {@code privacy_contact} or
   * {@code privacyContact}) and returns it in the stored shape; problems are added with paths under
   * {@code at}. A brand must be registered and not be named by another organisation's network.
   */
  ObjectNode checkController(JsonNode c, String at, String self, List<FieldProblem> errors) {
    if (c == null || !c.isObject()) {
      errors.add(new FieldProblem(at, "must be an object {organisation, brand, privacy_contact}"));
      return null;
    }
    ObjectNode out = json.createObjectNode();
    JsonNode organisationNode = c.get("organisation");
    String organisation =
        organisationNode != null && organisationNode.isString() ? organisationNode.asString() : "";
    if (!ORGANISATION.matcher(organisation).matches()) {
      String shape = "the organisation id (1-100 of letters, digits, '_', '.' and '-')";
      errors.add(
          new FieldProblem(
              at + ".organisation",
              organisationNode == null || organisationNode.isNull()
                  ? "is required: " + shape
                  : organisationNode.isString()
                      ? "must be " + shape + ", starting with a letter or digit"
                      : "must be a string: " + shape));
    }
    out.put("organisation", organisation);
    JsonNode brand = c.get("brand");
    if (brand != null && !brand.isNull() && !brand.isString()) {
      errors.add(new FieldProblem(at + ".brand", "must be a string: a registered brand's id"));
    } else if (brand != null && !brand.isNull()) {
      String b = brand.asString("");
      if (!brandExists.test(b)) {
        errors.add(new FieldProblem(at + ".brand", "brand '" + b + "' is not registered"));
      } else {
        for (NetworkDocument other : view.snapshot().values()) {
          if (other.getNetworkId().equals(self)) {
            continue;
          }
          JsonNode oc = rules(other).path("controller");
          if (b.equals(oc.path("brand").asString(""))
              && !organisation.equals(oc.path("organisation").asString(""))) {
            errors.add(
                new FieldProblem(
                    at + ".brand",
                    "brand '"
                        + b
                        + "' belongs to organisation '"
                        + oc.path("organisation").asString("")
                        + "' (network "
                        + other.getNetworkId()
                        + ")"));
            break;
          }
        }
      }
      out.put("brand", b);
    }
    JsonNode contact =
        c.has("privacy_contact") ? c.get("privacy_contact") : c.get("privacyContact");
    String contactText = contact != null && contact.isString() ? contact.asString() : "";
    if (contactText.length() > 320 || !CONTACT.matcher(contactText).matches()) {
      errors.add(
          new FieldProblem(
              at + ".privacy_contact",
              (contact == null || contact.isNull() ? "is required: " : "must be ")
                  + "an e-mail address or an https URL where members reach the"
                  + " controller's privacy team (at most 320 characters)"));
    }
    out.put("privacy_contact", contactText);
    for (String field : c.propertyNames()) {
      if (!List.of("organisation", "brand", "privacy_contact", "privacyContact").contains(field)) {
        errors.add(new FieldProblem(at + "." + field, "is not a controller field"));
      }
    }
    return out;
  }

  /** The longest a transfer may wait for the network admin's confirmation. */
  public static final Duration MAX_TRANSFER_WAIT = Duration.ofDays(30);

  /**
   * Starts a transfer of {@code id} to a new controller ({@code to}: organisation, brand, privacy
   * contact): it waits for the network admin's confirmation until {@code wait} has passed.
   */
  public synchronized NetworkDocument startTransfer(
      String id, JsonNode to, Duration wait, String by) {
    NetworkDocument current = get(id);
    List<FieldProblem> errors = new ArrayList<>();
    ObjectNode target = checkController(to, "$.to", id, errors);
    if (wait != null
        && (wait.isNegative() || wait.isZero() || wait.compareTo(MAX_TRANSFER_WAIT) > 0)) {
      errors.add(new FieldProblem("$.expiresIn", "must be a positive duration of at most P30D"));
    }
    ObjectNode rules = rules(current);
    String currentOrganisation = rules.path("controller").path("organisation").asString("");
    if (target != null && target.path("organisation").asString("").equals(currentOrganisation)) {
      errors.add(
          new FieldProblem(
              "$.to.organisation", "already controls network " + id + ": nothing to transfer"));
    }
    if (!errors.isEmpty()) {
      throw new InvalidRequestException("The transfer is invalid", errors);
    }
    if (rules.has("transfer_pending")
        && java.time.Instant.parse(rules.path("transfer_pending").path("expires_at").asString())
            .isAfter(clock.instant())) {
      throw new ConflictException(
          "Network "
              + id
              + " already has a pending transfer ("
              + rules.path("transfer_pending").path("id").asString()
              + "); cancel it with DELETE /api/v1/networks/"
              + id
              + "/transfer first");
    }
    java.time.Instant now = clock.instant();
    ObjectNode pending = json.createObjectNode();
    pending.put("id", "trf-" + java.util.UUID.randomUUID());
    pending.set("to", target);
    pending.put("requested_by", by);
    pending.put("requested_at", now.toString());
    pending.put("expires_at", now.plus(wait == null ? Duration.ofDays(3) : wait).toString());
    rules.set("transfer_pending", pending);
    return publish(id, current.getName(), rules, current.getVersion() + 1, by);
  }

  /**
   * The network admin confirms a pending transfer: the new controller takes over now ({@code
   * controller.since}), naming the previous one, and the change is published on the networks topic.
   * The topology then stops flows to the new controller that rest on consent given to the previous
   * one, and notifies every member.
   *
   * @throws ResourceNotFoundException when no transfer with that id is pending
   * @throws TransferExpiredException when it expired
   */
  public synchronized NetworkDocument confirmTransfer(String id, String transferId, String by) {
    NetworkDocument current = get(id);
    ObjectNode rules = rules(current);
    JsonNode pending = rules.get("transfer_pending");
    if (pending == null || !transferId.equals(pending.path("id").asString(""))) {
      throw new ResourceNotFoundException("pending transfer of network " + id, transferId);
    }
    java.time.Instant now = clock.instant();
    java.time.Instant expires = java.time.Instant.parse(pending.path("expires_at").asString());
    if (!expires.isAfter(now)) {
      throw new TransferExpiredException(id, transferId, expires);
    }
    ObjectNode controller = ((ObjectNode) pending.get("to")).deepCopy();
    String previous = rules.path("controller").path("organisation").asString("");
    // A network without a recorded controller was its own: consent given then was given to it.
    controller.put("previous", previous.isEmpty() ? id : previous);
    controller.put("since", now.toString());
    controller.put("transfer_id", transferId);
    rules.remove("transfer_pending");
    rules.set("controller", controller);
    return publish(id, current.getName(), rules, current.getVersion() + 1, by);
  }

  /** Cancels (or, for the network admin, declines) the pending transfer. */
  public synchronized NetworkDocument cancelTransfer(String id, String by) {
    NetworkDocument current = get(id);
    ObjectNode rules = rules(current);
    if (!rules.has("transfer_pending")) {
      throw new ResourceNotFoundException("pending transfer of network", id);
    }
    rules.remove("transfer_pending");
    return publish(id, current.getName(), rules, current.getVersion() + 1, by);
  }

  /** The organisation that controls the network now, if one is recorded. */
  public Optional<String> controllerOf(String id) {
    return find(id)
        .map(d -> rules(d).path("controller").path("organisation").asString(""))
        .filter(s -> !s.isEmpty());
  }

  /** Adds or replaces the agreement with {@code agreement.network}. */
  public synchronized NetworkDocument putAgreement(String id, JsonNode agreement, String by) {
    NetworkDocument current = get(id);
    if (agreement == null || !agreement.isObject()) {
      throw new InvalidRequestException(
          "An agreement is a JSON object",
          List.of(
              new FieldProblem(
                  "$", "must be an object {network, purposes, categories, content, expires_at}")));
    }
    if (!agreement.hasNonNull("network")) {
      throw new InvalidRequestException(
          "An agreement names the partner network",
          List.of(new FieldProblem("$.network", "is required")));
    }
    if (!agreement.get("network").isString()) {
      throw new InvalidRequestException(
          "An agreement names the partner network by its id",
          List.of(
              new FieldProblem(
                  "$.network",
                  "must be a string (the partner network's id), not "
                      + agreement.get("network").getNodeType().name().toLowerCase(Locale.ROOT))));
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
      throw new ResourceNotFoundException(
          "Network '" + id + "' has no agreement with network '" + partner + "'",
          List.of(
              new dev.lattice.gateway.problem.FieldProblem(
                  "partner", "no agreement of network '" + id + "' names it")));
    }
    rules.set("agreements", agreements);
    return validateAndPublish(current, rules, by, "$");
  }

  public ObjectNode rules(NetworkDocument document) {
    return (ObjectNode) json.readTree(document.getRulesJson());
  }

  /**
   * Validates the rules with the changed agreements and publishes them. {@code at} is where the
   * request's body sits in the rules ({@code $.agreements[i]} for an added agreement, {@code $} for
   * a removal): problems inside it are named at the body's own fields ({@code $.purposes[0]}, not
   * {@code $.agreements[2].purposes[0]}), a missing property at its name, everything else at the
   * body.
   */
  private NetworkDocument validateAndPublish(
      NetworkDocument current, ObjectNode rules, String by, String at) {
    List<FieldProblem> errors = new ArrayList<>();
    validator.validate(json.writeValueAsString(rules), "$").stream()
        .map(p -> p.path().startsWith("$.agreements") ? p : new FieldProblem(at, p.message()))
        .forEach(errors::add);
    errors.addAll(unknownReferences(current.getNetworkId(), rules, "$"));
    if (!errors.isEmpty()) {
      throw new InvalidRequestException(
          "The agreement is invalid", errors.stream().map(p -> atBody(p, at)).distinct().toList());
    }
    return publish(current.getNetworkId(), current.getName(), rules, current.getVersion() + 1, by);
  }

  private static final java.util.regex.Pattern MISSING_PROPERTY =
      java.util.regex.Pattern.compile("required property '([A-Za-z0-9_]+)' not found");
  private static final java.util.regex.Pattern UNKNOWN_PROPERTY =
      java.util.regex.Pattern.compile("property '([^']+)' is not defined in the schema.*");

  private static FieldProblem atBody(FieldProblem problem, String at) {
    String path = problem.path();
    if (at.equals("$")
        || !(path.equals(at) || path.startsWith(at + ".") || path.startsWith(at + "["))) {
      return problem;
    }
    String inBody = "$" + path.substring(at.length());
    java.util.regex.Matcher missing = MISSING_PROPERTY.matcher(problem.message());
    if (inBody.equals("$") && missing.matches()) {
      return new FieldProblem("$." + missing.group(1), "is required");
    }
    java.util.regex.Matcher unknown = UNKNOWN_PROPERTY.matcher(problem.message());
    if (inBody.equals("$") && unknown.matches()) {
      return new FieldProblem("$." + unknown.group(1), "is not a field of an agreement");
    }
    return new FieldProblem(inBody, problem.message());
  }

  private ObjectNode checkRules(String id, String name, JsonNode rules, List<FieldProblem> errors) {
    FieldProblem badName = dev.lattice.gateway.api.Identifiers.nameProblem(name, "$.name");
    if (badName != null) {
      errors.add(badName);
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
    boolean nameFromBody = !copy.has("name") && name != null && !name.isBlank();
    if (nameFromBody) {
      copy.put("name", name);
    }
    for (FieldProblem problem : validator.validate(json.writeValueAsString(copy), "$.rules")) {
      // The body's name travels in the rules; its problems belong at $.name, where it was sent (and
      // where the check above already reported them).
      if (!(nameFromBody && problem.path().equals("$.rules.name"))) {
        errors.add(problem);
      }
    }
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
