package dev.lattice.benchmarks.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Set;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.ProcessorWrapper;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.WrappedFixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.WrappedProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * A {@code processor.wrapper.class} that adds up the CPU time of the calling thread spent inside
 * the topology's processors (outermost calls only: a processor's {@code forward} runs the
 * downstream processors, state stores, changelogs and sinks inside it). What it leaves out is the
 * driver around them: in a {@code TopologyTestDriver}, capturing each output record (which compiles
 * a regular expression per input topic and output record) is about a third of the thread's time and
 * has no counterpart in a real deployment. Single-threaded use (one driver at a time).
 */
public final class ProcessorCpuTime implements ProcessorWrapper {
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
  private static int depth;
  private static long started;
  private static long total;

  /** CPU nanoseconds spent in processors since the last reset. */
  static long nanos() {
    return total;
  }

  static void reset() {
    total = 0;
  }

  private static void enter() {
    if (depth++ == 0) {
      started = CPU.getCurrentThreadCpuTime();
    }
  }

  private static void exit() {
    if (--depth == 0) {
      total += CPU.getCurrentThreadCpuTime() - started;
    }
  }

  @Override
  public <KIn, VIn, KOut, VOut>
      WrappedProcessorSupplier<KIn, VIn, KOut, VOut> wrapProcessorSupplier(
          String processorName, ProcessorSupplier<KIn, VIn, KOut, VOut> supplier) {
    return ProcessorWrapper.asWrapped(
        new ProcessorSupplier<>() {
          @Override
          public Processor<KIn, VIn, KOut, VOut> get() {
            Processor<KIn, VIn, KOut, VOut> inner = supplier.get();
            return new Processor<>() {
              @Override
              public void init(ProcessorContext<KOut, VOut> context) {
                inner.init(context);
              }

              @Override
              public void process(Record<KIn, VIn> record) {
                enter();
                try {
                  inner.process(record);
                } finally {
                  exit();
                }
              }

              @Override
              public void close() {
                inner.close();
              }
            };
          }

          @Override
          public Set<StoreBuilder<?>> stores() {
            return supplier.stores();
          }
        });
  }

  @Override
  public <KIn, VIn, VOut>
      WrappedFixedKeyProcessorSupplier<KIn, VIn, VOut> wrapFixedKeyProcessorSupplier(
          String processorName, FixedKeyProcessorSupplier<KIn, VIn, VOut> supplier) {
    return ProcessorWrapper.asWrappedFixedKey(
        new FixedKeyProcessorSupplier<>() {
          @Override
          public FixedKeyProcessor<KIn, VIn, VOut> get() {
            FixedKeyProcessor<KIn, VIn, VOut> inner = supplier.get();
            return new FixedKeyProcessor<>() {
              @Override
              public void init(FixedKeyProcessorContext<KIn, VOut> context) {
                inner.init(context);
              }

              @Override
              public void process(FixedKeyRecord<KIn, VIn> record) {
                enter();
                try {
                  inner.process(record);
                } finally {
                  exit();
                }
              }

              @Override
              public void close() {
                inner.close();
              }
            };
          }

          @Override
          public Set<StoreBuilder<?>> stores() {
            return supplier.stores();
          }
        });
  }
}
