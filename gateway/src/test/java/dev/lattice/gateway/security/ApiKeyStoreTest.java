package dev.lattice.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiKeyStoreTest {

  @Test
  void shortOrSpacedKeysAreMalformed() {
    assertThat(ApiKeyStore.wellFormed("short")).isFalse();
    assertThat(ApiKeyStore.wellFormed("has a space in it 1234")).isFalse();
    assertThat(ApiKeyStore.wellFormed("lk_abcdefghijklmnopqrstuvwxyz")).isTrue();
  }
}
