package dev.lattice.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.schemas.Vocabulary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The policy speaks the one vocabulary of {@code schemas}: no purpose or category of its own. */
class VocabularyTest {

  @Test
  void theNetworkRulesSchemaAcceptsExactlyTheVocabularysPurposes() throws IOException {
    JsonNode schema =
        JsonMapper.builder().build().readTree(resource("lattice/network-rules.schema.json"));
    Set<String> purposes = new TreeSet<>();
    schema.at("/$defs/purposeList/items/enum").forEach(n -> purposes.add(n.asString()));
    purposes.remove("*");

    assertThat(purposes).isEqualTo(Vocabulary.PURPOSES);
  }

  @Test
  void everyCategoryTheObligationsNameIsInTheVocabulary() throws IOException {
    Matcher m =
        Pattern.compile("c == \"([a-z_]+)\"")
            .matcher(resource("lattice/bundle/lattice/obligations.rego"));
    Set<String> named = new TreeSet<>();
    while (m.find()) {
      named.add(m.group(1));
    }

    assertThat(named).isNotEmpty();
    assertThat(Vocabulary.CATEGORIES).containsAll(named);
  }

  private static String resource(String path) throws IOException {
    try (InputStream in = VocabularyTest.class.getClassLoader().getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
