package dev.lattice.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MasterKeyTest {
  private static final byte[] PERSONAL = "ann@example.org".getBytes(StandardCharsets.UTF_8);

  private static Path freshDir() {
    return Path.of("target", "tmp", "master-key-" + UUID.randomUUID()).toAbsolutePath();
  }

  @Test
  void aWrappedMemberKeyOpensWithTheMasterKeyForTheSameMemberOnly() {
    MasterKey master = MasterKey.generate();
    MemberKey key = MemberKeys.generate();

    byte[] wrapped = master.wrap(key, "m-1");

    assertThat(master.unwrap(wrapped, "m-1")).isEqualTo(key);
    assertThatThrownBy(() -> master.unwrap(wrapped, "m-2"))
        .isInstanceOf(MasterKeyMismatchException.class);
  }

  @Test
  void aWrappedMemberKeyHoldsNoneOfTheRawKeyBytes() {
    MemberKey key = MemberKeys.generate();

    byte[] wrapped = MasterKey.generate().wrap(key, "m-1");

    byte[] raw = RawKeys.aesKeyBytes(key);
    assertThat(raw).hasSize(32);
    assertThat(RawKeys.contains(wrapped, raw)).isFalse();
    assertThat(RawKeys.contains(key.toBytes(), raw))
        .as("the check finds the raw key in a clear keyset")
        .isTrue();
  }

  @Test
  void aWrongMasterKeyFailsWithAMessageNamingTheSetting() {
    byte[] wrapped = MasterKey.generate().wrap(MemberKeys.generate(), "m-1");

    assertThatThrownBy(() -> MasterKey.generate().unwrap(wrapped, "m-1"))
        .isInstanceOf(MasterKeyMismatchException.class)
        .hasMessageContaining("LATTICE_MASTER_KEY")
        .hasMessageContaining("master.key");
  }

  @Test
  void theKeyFileIsCreatedOnceOwnerOnlyAndReadBackTheSame() throws Exception {
    Path dir = freshDir();

    MasterKey first = MasterKey.resolve("", dir);
    MasterKey second = MasterKey.resolve(null, dir);

    Path file = dir.resolve(MasterKey.FILE_NAME);
    assertThat(first.created()).isTrue();
    assertThat(second.created()).isFalse();
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
    }
    assertThat(Base64.getDecoder().decode(Files.readString(file).trim())).hasSize(32);
    MemberKey key = MemberKeys.generate();
    assertThat(second.unwrap(first.wrap(key, "m-1"), "m-1")).isEqualTo(key);
  }

  @Test
  void theEnvironmentValueWinsOverTheKeyFile() {
    Path dir = freshDir();
    MasterKey fromFile = MasterKey.resolve("", dir);
    String configured = Base64.getEncoder().encodeToString(new byte[32]);

    MasterKey fromEnvironment = MasterKey.resolve(configured, dir);

    byte[] wrapped = fromEnvironment.wrap(MemberKeys.generate(), "m-1");
    assertThat(fromEnvironment.created()).isFalse();
    assertThatThrownBy(() -> fromFile.unwrap(wrapped, "m-1"))
        .isInstanceOf(MasterKeyMismatchException.class);
    assertThat(MasterKey.fromBase64(configured, "test").unwrap(wrapped, "m-1")).isNotNull();
  }

  @Test
  void aMasterKeyThatIsNotBase64Of32BytesIsRefusedNamingTheVariable() {
    assertThatThrownBy(() -> MasterKey.resolve("not base64!", freshDir()))
        .isInstanceOf(InvalidMasterKeyException.class)
        .hasMessageContaining("LATTICE_MASTER_KEY")
        .hasMessageContaining("not base64");
    assertThatThrownBy(
            () -> MasterKey.resolve(Base64.getEncoder().encodeToString(new byte[16]), freshDir()))
        .isInstanceOf(InvalidMasterKeyException.class)
        .hasMessageContaining("16 bytes");
  }

  @Test
  void theMasterKeyNeverShowsInToString() {
    assertThat(MasterKey.generate().toString()).isEqualTo("MasterKey[redacted]");
  }

  @Test
  void aSealedValueStillOpensThroughTheUnwrappedKey() {
    MasterKey master = MasterKey.generate();
    MemberKey key = MemberKeys.generate();
    byte[] sealed = PayloadCipher.seal(key, "m-1", PERSONAL);

    MemberKey unwrapped = master.unwrap(master.wrap(key, "m-1"), "m-1");

    assertThat(PayloadCipher.unseal(unwrapped, "m-1", sealed)).isEqualTo(PERSONAL);
  }
}
