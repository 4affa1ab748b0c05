package dev.lattice.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.testsupport.TestKafka;
import dev.lattice.testsupport.WithKafka;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Member keys on a real broker: two keyrings on one topic behave as two gateway instances. A member
 * has one key, the first in their partition, whichever instance created it.
 */
@WithKafka
class MemberKeyringIT {

  private final List<AutoCloseable> closing = new ArrayList<>();
  private TestKafka kafka;

  @BeforeEach
  void topic(TestKafka kafka) {
    this.kafka = kafka;
    try {
      kafka.createTopic(
          TopicCatalogue.MEMBER_KEYS.name(),
          TopicCatalogue.MEMBER_PARTITIONS,
          1,
          Map.of("cleanup.policy", "compact"));
    } catch (IllegalStateException e) {
      // already there: another test of this run created it
    }
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
  }

  /** One instance's keyring. */
  private MemberKeyring instance() {
    EventPublisher publisher = new EventPublisher(kafka.clientProperties(), Duration.ofSeconds(10));
    closing.add(publisher);
    MemberKeyring keyring =
        new MemberKeyring(kafka.clientProperties(), publisher, Clock.systemUTC());
    closing.add(keyring);
    return keyring;
  }

  @Test
  void twoInstancesCreatingTheFirstKeyOfAMemberAtTheSameMomentSealWithTheSameKey() {
    MemberKeyring a = instance();
    MemberKeyring b = instance();
    for (int round = 0; round < 5; round++) {
      String member = "m-race-" + UUID.randomUUID();
      CountDownLatch go = new CountDownLatch(1);
      CompletableFuture<MemberKeyring.Keyed> onA = race(go, a, member);
      CompletableFuture<MemberKeyring.Keyed> onB = race(go, b, member);

      go.countDown();

      assertThat(onA.join().keyId()).isEqualTo(onB.join().keyId());
      assertThat(onA.join().key().toBytes()).isEqualTo(onB.join().key().toBytes());
      assertThat(a.find(member).orElseThrow().keyId()).isEqualTo(onA.join().keyId());
      assertThat(b.find(member).orElseThrow().keyId()).isEqualTo(onA.join().keyId());
    }
  }

  @Test
  void aKeyringStartedLaterSeesTheFirstKeyOfEachMember() {
    MemberKeyring a = instance();
    String member = "m-later-" + UUID.randomUUID();
    MemberKeyring.Keyed created = a.keyFor(member);

    MemberKeyring later = instance();

    assertThat(later.keyFor(member).keyId()).isEqualTo(created.keyId());
  }

  private static CompletableFuture<MemberKeyring.Keyed> race(
      CountDownLatch go, MemberKeyring keyring, String member) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
          return keyring.keyFor(member);
        });
  }
}
