package dev.lattice.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.gateway.cluster.ClusterQueries.ClusterUnavailableException;
import dev.lattice.gateway.cluster.ClusterQueries.HostAnswers;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** {@link ClusterQueries#patiently}: how a question to the other instances survives a rebalance. */
class ClusterQueriesPatienceTest {

  /** Answers in turn, the last one for ever after. */
  private static Supplier<HostAnswers<String>> turns(List<Supplier<HostAnswers<String>>> turns) {
    Deque<Supplier<HostAnswers<String>>> left = new ArrayDeque<>(turns);
    return () -> (left.size() > 1 ? left.poll() : left.peek()).get();
  }

  @Test
  void anInstanceThatIsRebalancingIsAskedAgainUntilItAnswers() {
    Supplier<HostAnswers<String>> ask =
        turns(
            List.of(
                () -> {
                  throw new ClusterUnavailableException("rebalancing");
                },
                () -> new HostAnswers<>(List.of(), 1),
                () -> new HostAnswers<>(List.of("members of B"), 0)));

    List<String> answers = ClusterQueries.patiently(ask, Duration.ofMinutes(1));

    assertThat(answers).containsExactly("members of B");
  }

  @Test
  void anInstanceThatNeverAnswersIsLeftOutOnceThePatienceIsSpent() {
    AtomicInteger asked = new AtomicInteger();
    Supplier<HostAnswers<String>> ask =
        () -> {
          asked.incrementAndGet();
          return new HostAnswers<>(List.of("members of B"), 1);
        };

    List<String> answers = ClusterQueries.patiently(ask, Duration.ofSeconds(2));

    assertThat(asked.get()).isGreaterThan(1);
    assertThat(answers).hasSize(asked.get()).containsOnly("members of B");
  }

  @Test
  void aCompleteFirstAnswerIsNotAskedAgain() {
    AtomicInteger asked = new AtomicInteger();
    Supplier<HostAnswers<String>> ask =
        () -> {
          asked.incrementAndGet();
          return new HostAnswers<>(List.of("a", "b"), 0);
        };

    assertThat(ClusterQueries.patiently(ask, Duration.ofMinutes(1))).containsExactly("a", "b");
    assertThat(asked.get()).isEqualTo(1);
  }
}
