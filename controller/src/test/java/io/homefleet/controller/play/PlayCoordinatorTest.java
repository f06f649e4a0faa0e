package io.homefleet.controller.play;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.playbook.model.Serial;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlayCoordinatorTest {
  private static final List<String> FIVE = List.of("a", "b", "c", "d", "e");

  @Test
  void batches_withoutSerial_isOneBatch() {
    assertThat(PlayCoordinator.batches(Serial.ALL, FIVE)).containsExactly(FIVE);
  }

  @Test
  void batches_lastSizeRepeats() {
    Serial s = new Serial(List.of(new Serial.Count(1), new Serial.Count(2)));
    assertThat(PlayCoordinator.batches(s, FIVE)).containsExactly(List.of("a"), List.of("b", "c"), List.of("d", "e"));
  }

  @Test
  void batches_percentRoundsDownButIsAtLeastOneHost() {
    assertThat(PlayCoordinator.batches(new Serial(List.of(new Serial.Percent(40))), FIVE))
        .containsExactly(List.of("a", "b"), List.of("c", "d"), List.of("e"));
    assertThat(PlayCoordinator.batches(new Serial(List.of(new Serial.Percent(1))), List.of("a", "b")))
        .containsExactly(List.of("a"), List.of("b"));
  }
}
