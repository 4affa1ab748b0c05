package dev.lattice.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.demo.DemoWorld.Member;
import dev.lattice.demo.DemoWorld.Network;
import dev.lattice.gateway.api.networks.NetworkRulesValidator;
import dev.lattice.schemas.LatticeSerdes;
import dev.lattice.schemas.avro.ConsentAction;
import dev.lattice.schemas.avro.ConsentCommand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class DemoWorldTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  @Test
  void theSameSpecGivesTheSameWorld() {
    DemoWorld a = DemoWorld.generate(WorldSpec.demo());
    DemoWorld b = DemoWorld.generate(WorldSpec.demo());

    assertThat(b.members()).isEqualTo(a.members());
    assertThat(b.networks().stream().map(DemoWorld::rulesJson).toList())
        .isEqualTo(a.networks().stream().map(DemoWorld::rulesJson).toList());
  }

  @Test
  void anotherSeedGivesOtherMembers() {
    DemoWorld a = DemoWorld.generate(new WorldSpec(1, 4, 50, 0.5));
    DemoWorld b = DemoWorld.generate(new WorldSpec(2, 4, 50, 0.5));

    assertThat(b.members()).isNotEqualTo(a.members());
  }

  @Test
  void theDemoWorldHasSmallNetworksOfDifferentCharacterAndAFewHundredMembers() {
    DemoWorld world = DemoWorld.generate(WorldSpec.demo());

    assertThat(world.networks())
        .extracting(Network::id)
        .containsExactly("ski-club", "book-circle", "parents-group", "garden-guild");
    assertThat(world.networks()).extracting(Network::character).doesNotHaveDuplicates();
    assertThat(world.members()).hasSize(300);
    assertThat(world.networks())
        .allSatisfy(n -> assertThat(world.membersOf(n.id())).hasSizeGreaterThan(30));
  }

  @Test
  void everyNetworkRulesDocumentIsValidAgainstThePolicyModulesSchema() {
    NetworkRulesValidator validator = new NetworkRulesValidator();
    DemoWorld world = DemoWorld.generate(new WorldSpec(7, 20, 10, 0.5));

    for (Network n : world.networks()) {
      assertThat(validator.validate(DemoWorld.rulesJson(n), "rules")).as(n.id()).isEmpty();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void agreementsAreListedByBothNetworksWithTheSamePurposes() {
    DemoWorld world = DemoWorld.generate(new WorldSpec(7, 9, 10, 0.5));

    for (Network n : world.networks()) {
      for (Map<String, Object> agreement :
          (List<Map<String, Object>>) n.rules().get("agreements")) {
        Network partner = world.network((String) agreement.get("network"));
        List<Map<String, Object>> back =
            (List<Map<String, Object>>) partner.rules().get("agreements");
        assertThat(back)
            .as(n.id() + " <-> " + partner.id())
            .anySatisfy(
                a -> {
                  assertThat(a.get("network")).isEqualTo(n.id());
                  assertThat(a.get("purposes")).isEqualTo(agreement.get("purposes"));
                });
      }
    }
  }

  @Test
  void membersConsentRoughlyInTheGivenRatio() {
    DemoWorld world = DemoWorld.generate(new WorldSpec(3, 4, 2000, 0.25));

    long offers = world.members().stream().filter(m -> m.grants().containsKey("offers")).count();

    assertThat(offers).isBetween(400L, 600L);
    assertThat(DemoWorld.generate(new WorldSpec(3, 4, 100, 0)).initialGrants(T0)).isEmpty();
  }

  @Test
  void everyInitialGrantAndGeneratedEventEncodesWithItsPublishedSchema() {
    DemoWorld world = DemoWorld.generate(WorldSpec.demo());
    List<SpecificRecord> records = new ArrayList<>(world.initialGrants(T0));
    Traffic traffic = new Traffic(world, 5, "t", Traffic.Mix.everyday(), () -> T0);
    for (int i = 0; i < 2000; i++) {
      records.add(traffic.next().value());
    }

    for (SpecificRecord r : records) {
      assertThat(roundTrip(r)).isEqualTo(r);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object roundTrip(SpecificRecord r) {
    var codec = LatticeSerdes.codec((Class) r.getClass());
    return codec.decode(codec.encode(r));
  }

  @Test
  void trafficIsTheSameForTheSameWorldSeedRunAndClock() {
    DemoWorld world = DemoWorld.generate(WorldSpec.demo());
    Traffic a = new Traffic(world, 9, "run", Traffic.Mix.everyday(), () -> T0);
    Traffic b = new Traffic(world, 9, "run", Traffic.Mix.everyday(), () -> T0);

    for (int i = 0; i < 500; i++) {
      assertThat(b.next()).isEqualTo(a.next());
    }
  }

  @Test
  void trafficHasEveryKindAndUniqueEventIds() {
    Traffic traffic =
        new Traffic(DemoWorld.generate(WorldSpec.demo()), 1, "r", Traffic.Mix.everyday(), () -> T0);
    Set<Traffic.Kind> kinds = new HashSet<>();
    Set<String> ids = new HashSet<>();

    for (int i = 0; i < 1000; i++) {
      Traffic.Item item = traffic.next();
      kinds.add(item.kind());
      assertThat(ids.add(item.eventId())).as(item.eventId()).isTrue();
    }

    assertThat(kinds).containsExactlyInAnyOrder(Traffic.Kind.values());
  }

  @Test
  void aWithdrawalAlwaysWithdrawsAPurposeTheMemberHadGranted() {
    DemoWorld world = DemoWorld.generate(WorldSpec.demo());
    Traffic traffic = new Traffic(world, 4, "r", new Traffic.Mix(0, 0, 0, 0, 1), () -> T0);
    Map<String, Set<String>> granted = new java.util.HashMap<>();
    for (Member m : world.members()) {
      granted.put(m.id(), new HashSet<>(m.grants().keySet()));
    }

    for (int i = 0; i < 1000; i++) {
      ConsentCommand c = (ConsentCommand) traffic.next().value();
      Set<String> purposes = granted.get(c.getMemberId());
      if (c.getAction() == ConsentAction.WITHDRAW) {
        assertThat(purposes.remove(c.getPurpose())).as(c.getCommandId()).isTrue();
      } else {
        assertThat(purposes.add(c.getPurpose())).as(c.getCommandId()).isTrue();
      }
    }
  }
}
