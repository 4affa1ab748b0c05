package dev.lattice.streams.internal;

import dev.lattice.streams.TopicDirectory;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which topics exist, from the cluster's topic list: cached, listed again when the list is older
 * than {@code maxAge} (and at most once per {@code missRetry} when a topic is not in it, so that a
 * just-created topic is seen quickly without listing on every record). When the cluster cannot be
 * asked, a topic that is not known is reported missing: the flow is denied and audited, never
 * written to a topic that may not exist. Thread-safe.
 */
public final class ClusterTopicDirectory implements TopicDirectory, AutoCloseable {
  private static final Logger LOGGER = LoggerFactory.getLogger(ClusterTopicDirectory.class);
  private static final Duration MAX_AGE = Duration.ofSeconds(30);
  private static final Duration MISS_RETRY = Duration.ofSeconds(1);

  private final Admin admin;
  private volatile Set<String> topics = Set.of();
  private volatile long listedAtNanos = Long.MIN_VALUE;

  public ClusterTopicDirectory(Map<String, Object> adminConfig) {
    this.admin = Admin.create(adminConfig);
  }

  @Override
  public boolean exists(String topic) {
    long age = System.nanoTime() - listedAtNanos;
    boolean stale = listedAtNanos == Long.MIN_VALUE || age > MAX_AGE.toNanos();
    if (stale || (!topics.contains(topic) && age > MISS_RETRY.toNanos())) {
      refresh();
    }
    return topics.contains(topic);
  }

  private synchronized void refresh() {
    try {
      topics =
          Set.copyOf(
              admin
                  .listTopics(new ListTopicsOptions().timeoutMs(5_000))
                  .names()
                  .get(6, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOGGER.warn("cannot list the cluster's topics: {}", e.toString());
    } finally {
      listedAtNanos = System.nanoTime();
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
