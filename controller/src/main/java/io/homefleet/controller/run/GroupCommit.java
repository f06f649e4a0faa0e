package io.homefleet.controller.run;

import io.homefleet.controller.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for the store's hot writes (task states and results): one thread takes whatever
 * has queued up, writes it in one transaction, and only then runs each write's follow-up (tell
 * the operator, acknowledge the agent). A fan-out to a thousand hosts costs a handful of commits
 * instead of a thousand, and nothing is announced before it is on disk.
 */
public final class GroupCommit implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
  private static final int MAX_BATCH = 4096;

  private record Op(Consumer<Store> write, Runnable after, Runnable failed) {}

  private final Store store;
  private final BlockingQueue<Op> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean running = true;
  /** Run once the current batch's follow-ups have all run. Only the writer thread touches it. */
  private final List<Runnable> atBatchEnd = new ArrayList<>();

  public GroupCommit(Store store) {
    this.store = store;
    this.thread = new Thread(this::loop, "homefleet-store-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues {@code write}; {@code after} runs once it is committed (in submission order). */
  public void submit(Consumer<Store> write, Runnable after) {
    submit(write, after, () -> { });
  }

  /**
   * Queues {@code write}; {@code after} runs once it is committed, {@code failed} instead when it
   * could not be written (a full disk, a broken file): nothing is announced that is not stored.
   */
  public void submit(Consumer<Store> write, Runnable after, Runnable failed) {
    queue.add(new Op(write, after, failed));
  }

  /**
   * From a follow-up only (it runs on the writer thread): runs {@code action} once every follow-up
   * of the current batch has run, so that what one commit stored can be announced together.
   */
  public void atBatchEnd(Runnable action) {
    if (Thread.currentThread() != thread) {
      throw new IllegalStateException("atBatchEnd is for follow-ups of a write, which run on " + thread.getName());
    }
    atBatchEnd.add(action);
  }

  /** Writes waiting for the next commit. */
  public int pending() {
    return queue.size();
  }

  public void submit(Consumer<Store> write) {
    submit(write, () -> { });
  }

  private void loop() {
    List<Op> batch = new ArrayList<>();
    while (running || !queue.isEmpty()) {
      try {
        Op first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        List<Op> failed = write(batch);
        for (Op op : batch) {
          try {
            if (failed.contains(op)) {
              op.failed().run();
            } else {
              op.after().run();
            }
          } catch (RuntimeException e) {
            log.error("after-commit action failed", e);
          }
        }
        for (int i = 0; i < atBatchEnd.size(); i++) { // an action may add another
          try {
            atBatchEnd.get(i).run();
          } catch (RuntimeException e) {
            log.error("end-of-commit action failed", e);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        batch.clear();
        atBatchEnd.clear();
      }
    }
  }

  /** Writes the batch; returns the writes that failed (none, usually). */
  private List<Op> write(List<Op> batch) {
    try {
      store.atomically(() -> batch.forEach(op -> op.write().accept(store)));
      return List.of();
    } catch (RuntimeException e) {
      // One bad write must not sink the others: retry them one by one, each on its own.
      log.error("batched store write failed ({}); retrying {} write(s) one by one", e.getMessage(), batch.size());
      List<Op> failed = new ArrayList<>();
      for (Op op : batch) {
        try {
          op.write().accept(store);
        } catch (RuntimeException e2) {
          log.error("store write failed: {}", e2.getMessage());
          failed.add(op);
        }
      }
      return failed;
    }
  }

  /** Writes what is queued, then stops. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
