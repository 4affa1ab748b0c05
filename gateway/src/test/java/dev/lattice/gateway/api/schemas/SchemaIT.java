package dev.lattice.gateway.api.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.gateway.security.Role;
import dev.lattice.gateway.support.GatewayHttp.Response;
import dev.lattice.gateway.support.GatewayIntegrationTest;
import dev.lattice.schemas.SchemaCatalog;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class SchemaIT extends GatewayIntegrationTest {

  @Test
  void theListingNamesEveryPublishedSchemaWithItsVersionsAndFingerprints() {
    Response response = as(keyFor(Role.BRAND, "brand-a")).get("/api/v1/schemas");

    assertThat(response.status()).isEqualTo(200);
    JsonNode memberData =
        response
            .json()
            .valueStream()
            .filter(s -> s.get("name").asString().equals("MemberDataEvent"))
            .findFirst()
            .orElseThrow();
    String currentFingerprint =
        SchemaCatalog.standard().schema("MemberDataEvent").orElseThrow().latest().fingerprintHex();
    assertThat(response.json().size()).isEqualTo(SchemaCatalog.standard().schemas().size());
    assertThat(memberData.get("versions").valueStream().map(v -> v.get("version").asInt()))
        .containsExactly(1, 2);
    assertThat(memberData.get("versions").get(1).get("fingerprint").asString())
        .isEqualTo(currentFingerprint);
  }

  @Test
  void oneSchemaCarriesTheAvroTextOfEachVersionAndAnUnknownNameIsAProblem404() {
    Response one = asAdmin().get("/api/v1/schemas/MemberDataEvent");
    Response unknown = asAdmin().get("/api/v1/schemas/NoSuchRecord");

    assertThat(one.json().get("versions").get(0).get("schema").get("type").asString())
        .isEqualTo("record");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.contentType()).startsWith("application/problem+json");
  }
}
