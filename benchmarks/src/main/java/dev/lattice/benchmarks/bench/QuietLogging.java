package dev.lattice.benchmarks.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outside Spring Boot, Logback's default configuration logs every Kafka client at DEBUG on standard
 * output, which would bury the report and break {@code --json}. Commands that run without Spring
 * call this first: warnings and errors only (Kafka: errors only), on standard error.
 */
public final class QuietLogging {
  private QuietLogging() {}

  public static void toStandardError() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return; // another SLF4J binding: leave its configuration alone
    }
    context.reset();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n");
    encoder.start();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(appender);
    // Kafka's clients warn about transient, retried conditions (CONCURRENT_TRANSACTIONS, metadata
    // not yet
    // propagated, OS temp state directories) during every run; only their errors matter here.
    context.getLogger("org.apache.kafka").setLevel(Level.ERROR);
    context.getLogger("kafka").setLevel(Level.ERROR);
    // The embedded broker logs, as errors, the out-of-sequence first appends of a transaction that
    // its producer
    // then retries successfully (transactions v2 while partitions are being added); they say
    // nothing about the run.
    context.getLogger("kafka.server.ReplicaManager").setLevel(Level.OFF);
  }
}
