package dev.lattice.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadCipherTest {
  private final byte[] personal =
      "{\"email\":\"ann@example.org\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void sealedDataOpensWithTheSameMembersKeyReadBackFromItsBytes() {
    MemberKey key = MemberKeys.generate();
    byte[] sealed = PayloadCipher.seal(key, "m-1", personal);

    byte[] opened = PayloadCipher.unseal(MemberKey.fromBytes(key.toBytes()), "m-1", sealed);

    assertThat(opened).isEqualTo(personal);
    assertThat(sealed).isNotEqualTo(personal);
  }

  @Test
  void sealedDataDoesNotOpenForAnotherMember() {
    MemberKey key = MemberKeys.generate();
    byte[] sealed = PayloadCipher.seal(key, "m-1", personal);

    assertThatThrownBy(() -> PayloadCipher.unseal(key, "m-2", sealed))
        .isInstanceOf(PayloadUnsealException.class);
  }

  @Test
  void sealedDataDoesNotOpenWithAnotherKey() {
    byte[] sealed = PayloadCipher.seal(MemberKeys.generate(), "m-1", personal);

    assertThatThrownBy(() -> PayloadCipher.unseal(MemberKeys.generate(), "m-1", sealed))
        .isInstanceOf(PayloadUnsealException.class);
  }

  @Test
  void garbageIsNotAMemberKey() {
    assertThatThrownBy(() -> MemberKey.fromBytes(new byte[] {1, 2, 3}))
        .isInstanceOf(InvalidMemberKeyException.class)
        .hasMessageContaining("Tink");
  }

  @Test
  void aMemberKeyNeverPrintsItsSecret() {
    assertThat(MemberKeys.generate().toString()).isEqualTo("MemberKey[redacted]");
  }
}
