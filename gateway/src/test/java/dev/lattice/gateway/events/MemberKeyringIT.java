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
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Member data keys are envelope-encrypted: {@code lattice.member.keys} holds only keys wrapped
 * under the master key, and a gateway started with another master key refuses to run.
 */
class MemberKeyringIT extends GatewayIntegrationTest {

  @Autowired MemberKeyring keyring;
  @Autowired MasterKey masterKey;
  @Autowired EventPublisher publisher;

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
