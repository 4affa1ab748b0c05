package dev.lattice.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AesGcmKey;
import dev.lattice.gateway.support.GatewayIntegrationTest;
import dev.lattice.gateway.support.TopicReader;
import dev.lattice.schemas.AvroCodec;
import dev.lattice.schemas.TopicCatalogue;
import dev.lattice.schemas.avro.MemberKeyRecord;
import dev.lattice.streams.InvalidMasterKeyException;
import dev.lattice.streams.MasterKey;
import dev.lattice.streams.MasterKeyMismatchException;
import dev.lattice.streams.MemberKey;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Member data keys on the real broker. They are envelope-encrypted: {@code lattice.member.keys}
 * holds only keys wrapped under the master key, and a gateway started with another master key
 * refuses to run. A member has one key, the first in their partition, whichever instance created
 * it: two extra keyrings on the same topic behave as two more gateway instances.
 */
class MemberKeyringIT extends GatewayIntegrationTest {

  @Autowired MemberKeyring keyring;
  @Autowired MasterKey masterKey;
  @Autowired EventPublisher publisher;

  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void closeInstances() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
    closing.clear();
  }

  /** Another instance's keyring (same topic, same master key). */
  private MemberKeyring instance() {
    EventPublisher own = new EventPublisher(kafka.clientProperties(), Duration.ofSeconds(10));
    closing.add(own);
    // The instance's master key as another instance loads it: the same key file, not a new one.
    MasterKey shared = MasterKey.loadOrCreate(dataDir().resolve(MasterKey.FILE_NAME));
    MemberKeyring other =
        new MemberKeyring(kafka.clientProperties(), own, Clock.systemUTC(), shared);
    closing.add(other);
    return other;
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

  @Test
  void theKeysTopicHoldsTheMembersKeyOnlyWrappedUnderTheMasterKey() throws Exception {
    String member = "m-wrap-" + UUID.randomUUID();
    MemberKey key = keyring.keyFor(member).key();

    List<MemberKeyRecord> published =
        TopicReader.readAll(kafka.clientProperties(), TopicCatalogue.MEMBER_KEYS.name()).stream()
            .filter(r -> member.equals(r.key()))
            .map(r -> AvroCodec.of(MemberKeyRecord.class).decode(r.value()))
            .toList();

    assertThat(published).hasSize(1);
    byte[] stored = bytes(published.getFirst().getKeyset());
    byte[] raw = aesKeyBytes(key);
    assertThat(indexOf(stored, raw)).as("the raw AES key is not on the topic").isEqualTo(-1);
    assertThat(masterKey.unwrap(stored, member)).isEqualTo(key);
  }

  @Test
  void aGatewayWithAnotherMasterKeyRefusesToStartNamingTheSetting() {
    keyring.keyFor("m-wrap-" + UUID.randomUUID());
    MasterKey other = MasterKey.fromBase64(Base64.getEncoder().encodeToString(new byte[32]), "x");

    assertThatThrownBy(
            () -> new MemberKeyring(kafka.clientProperties(), publisher, Clock.systemUTC(), other))
        .isInstanceOf(MasterKeyMismatchException.class)
        .hasMessageContaining("LATTICE_MASTER_KEY");
  }

  @Test
  void aMasterKeyGeneratedWhenWrappedKeysExistIsRefusedInsteadOfUsed() {
    keyring.keyFor("m-wrap-" + UUID.randomUUID());

    assertThatThrownBy(
            () ->
                new MemberKeyring(
                    kafka.clientProperties(), publisher, Clock.systemUTC(), MasterKey.generate()))
        .isInstanceOf(InvalidMasterKeyException.class)
        .hasMessageContaining("LATTICE_MASTER_KEY")
        .hasMessageContaining("master.key");
  }

  @Test
  void theGeneratedKeyFileIsReadableByItsOwnerOnly() throws Exception {
    Path file = dataDir().resolve(MasterKey.FILE_NAME);

    assertThat(file).exists();
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
    }
  }

  private static byte[] aesKeyBytes(MemberKey key) throws Exception {
    AeadConfig.register();
    return ((AesGcmKey)
            TinkProtoKeysetFormat.parseKeyset(key.toBytes(), InsecureSecretKeyAccess.get())
                .getPrimary()
                .getKey())
        .getKeyBytes()
        .toByteArray(InsecureSecretKeyAccess.get());
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer dup = buffer.duplicate();
    byte[] out = new byte[dup.remaining()];
    dup.get(out);
    return out;
  }
}
