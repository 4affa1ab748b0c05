package dev.lattice.policy.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The JSON Schema the gateway validates network rules with, checked against the demo rules. */
class NetworkRulesSchemaTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonSchema schema() throws Exception {
    try (InputStream in =
        NetworkRulesSchemaTest.class
            .getClassLoader()
            .getResourceAsStream("lattice/network-rules.schema.json")) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    }
  }

  private static JsonNode demoNetworks() throws Exception {
    try (InputStream in =
        NetworkRulesSchemaTest.class
            .getClassLoader()
            .getResourceAsStream("lattice/examples/demo-networks/data.json")) {
      return JSON.readTree(in).get("networks");
    }
  }

  @Test
  void everyDemoNetworkIsValid() throws Exception {
    JsonSchema schema = schema();
    var networks = demoNetworks();

    for (var name : (Iterable<String>) networks::fieldNames) {
      assertThat(schema.validate(networks.get(name))).as(name).isEmpty();
    }
  }

  @Test
  void unknownPropertiesBadPrecisionAndLowKAreRejected() throws Exception {
    JsonNode bad =
        JSON.readTree(
            """
        {"exprot": {}, "export": {"location_precision": "street"}, "insights": {"k_anonymity": 1},
         "offers": {"frequency_cap": {"per_member_24h": -1}}}
        """);

    Set<ValidationMessage> errors = schema().validate(bad);

    assertThat(errors)
        .extracting(ValidationMessage::getMessage)
        .anyMatch(m -> m.contains("exprot"))
        .anyMatch(m -> m.contains("location_precision"))
        .anyMatch(m -> m.contains("k_anonymity"))
        .anyMatch(m -> m.contains("per_member_24h"));
  }
}
