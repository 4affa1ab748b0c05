package dev.lattice.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.schemas.avro.MemberDataEvent;
import dev.lattice.schemas.avro.MemberPersonal;
import org.junit.jupiter.api.Test;

class PersonalRecordsTest {

  @Test
  void thePersonalPartAloneRoundTripsThroughBytes() {
    MemberPersonal personal = Samples.memberDataEvent().getPersonal();

    byte[] bytes = PersonalRecords.encode(personal);

    assertThat(PersonalRecords.decode(bytes, MemberPersonal.class)).isEqualTo(personal);
  }

  @Test
  void onlyPersonalRecordsAreDecodedAsPersonalData() {
    byte[] event = LatticeSerdes.codec(MemberDataEvent.class).encode(Samples.memberDataEvent());

    assertThat(PersonalRecords.isPersonal(MemberPersonal.class)).isTrue();
    assertThat(PersonalRecords.isPersonal(MemberDataEvent.class)).isFalse();
    assertThatThrownBy(() -> PersonalRecords.decode(event, MemberDataEvent.class))
        .isInstanceOf(EventDecodingException.class);
  }
}
