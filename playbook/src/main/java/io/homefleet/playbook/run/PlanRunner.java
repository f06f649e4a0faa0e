package io.homefleet.playbook.run;

import io.homefleet.playbook.plan.HostPlan;
import io.homefleet.playbook.plan.PlanException;
import io.homefleet.playbook.plan.PlayRecap;
import io.homefleet.playbook.template.ControllerLookup;
import io.homefleet.playbook.template.Templar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a {@link HostPlan} on the host, as ansible-playbook runs a play for one host: tasks in
 * order, each {@code when} evaluated (per loop item), loops, {@code register},
 * {@code changed_when}/{@code failed_when}, {@code until}, {@code ignore_errors}, blocks with
 * {@code rescue}/{@code always}, handlers at each flush, tags already applied by the compiler.
 *
 * <p>The runner does {@code set_fact}, {@code debug}, {@code assert}, {@code fail} and
 * {@code meta} itself, since they work on the play's variables; every other module goes to the
 * {@link ModuleInvoker}. Events go to the {@link PlanListener} as they happen. One runner may run
 * many plans at once; each {@link #run} keeps its own state.
 *
 * <pre>{@code
 * PlayRecap recap = new PlanRunner(templar).run(PlanCodec.decode(bytes), workDir, invoker, listener);
 * }</pre>
 */
public final class PlanRunner {
  /** Writes one bundle file, creating the directories it needs (the agent's makes both owner-only). */
  @FunctionalInterface
  public interface BundleWriter {
    BundleWriter PLAIN = (target, content) -> {
      Files.createDirectories(target.getParent());
      Files.write(target, content);
    };

    void write(Path target, byte[] content) throws IOException;
  }

  private final Templar templar;
  private final BundleWriter bundleWriter;

  /** A runner with its own {@link Templar}. */
  public PlanRunner() {
    this(new Templar());
  }

  /** A runner sharing {@code templar} (thread-safe, and costly to create). */
  public PlanRunner(Templar templar) {
    this(templar, BundleWriter.PLAIN);
  }

  /** A runner sharing {@code templar} that writes bundle files with {@code bundleWriter}. */
  public PlanRunner(Templar templar, BundleWriter bundleWriter) {
    this.templar = Objects.requireNonNull(templar, "templar");
    this.bundleWriter = Objects.requireNonNull(bundleWriter, "bundleWriter");
  }

  /**
   * Writes the plan's bundle files under {@code bundleDir}, runs the play for this host, and
   * returns its recap (also given to {@link PlanListener#playFinished}). A failing task is a result,
   * not an exception. The events and the recap have the plan's vault secrets masked ({@link SecretMask}).
   *
   * @param plan the plan
   * @param bundleDir where the bundle's files go; {@code src:} arguments point into it
   * @param invoker runs the modules
   * @param listener receives the events
   * @throws PlanException when the bundle cannot be written (a path that escapes the directory, a
   *     full disk)
   * @throws InterruptedException when the run is cancelled (the recap is then not reported)
   */
  public PlayRecap run(HostPlan plan, Path bundleDir, ModuleInvoker invoker, PlanListener listener)
      throws PlanException, InterruptedException {
    return run(plan, bundleDir, invoker, PlayCalls.ALONE, listener);
  }

  /** As {@link #run(HostPlan, Path, ModuleInvoker, PlanListener)}, asking {@code calls} for the tasks that involve other hosts. */
  public PlayRecap run(HostPlan plan, Path bundleDir, ModuleInvoker invoker, PlayCalls calls, PlanListener listener)
      throws PlanException, InterruptedException {
    return run(plan, bundleDir, invoker, calls, listener, Resumption.NONE);
  }

  /**
   * As {@link #run(HostPlan, Path, ModuleInvoker, PlayCalls, PlanListener)}, saving the run's state
   * before a {@code reboot} through {@code resumption}, and going on from the state it holds, if any.
   *
   * @throws PlanException also when the saved state cannot be read
   */
  public PlayRecap run(HostPlan plan, Path bundleDir, ModuleInvoker invoker, PlayCalls calls, PlanListener listener,
      Resumption resumption) throws PlanException, InterruptedException {
    Resumption.RunState from = resumption.resumeFrom().isPresent()
        ? Resumption.RunState.decode(resumption.resumeFrom().get()) : null;
    writeBundle(plan, bundleDir, bundleWriter);
    SecretMask mask = new SecretMask(plan.secrets());
    MaskedCalls masked = new MaskedCalls(calls, mask);
    // Without a controller a controller lookup keeps failing as "needs the controller" whatever its errors=.
    Templar engine = calls == PlayCalls.ALONE ? templar : templar.withControllerLookup(new ControllerLookup() {
      @Override
      public List<Object> lookup(String plugin, List<Object> terms, Map<String, Object> keywords, String roleDir) {
        return PlanRunner.lookup(masked, plugin, terms, keywords, roleDir);
      }

      @Override
      public void warn(String message) {
        masked.warn(message);
      }
    });
    PlayRecap recap = mask.recap(new HostRun(engine, plan, bundleDir.toAbsolutePath().normalize(), invoker,
        mask.around(listener), masked, resumption, from).play());
    listener.playFinished(recap);
    return recap;
  }

  private static List<Object> lookup(PlayCalls calls, String plugin, List<Object> terms, Map<String, Object> keywords,
      String roleDir) {
    try {
      return calls.lookup(plugin, terms, keywords, roleDir);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      // Not a lookup Failure: errors=ignore must not turn a cancelled play into an empty value.
      throw new IllegalStateException("lookup('" + plugin + "') cancelled", e);
    }
  }

  /** Writes the plan's files under {@code dir}, leaving files that already hold the same bytes. */
  static void writeBundle(HostPlan plan, Path dir, BundleWriter writer) throws PlanException {
    Path base = dir.toAbsolutePath().normalize();
    for (Map.Entry<String, byte[]> e : plan.files().entrySet()) {
      Path target = base.resolve(e.getKey()).normalize();
      if (!target.startsWith(base) || target.equals(base)) {
        throw new PlanException("bundle file '" + e.getKey() + "' would be written outside " + base);
      }
      try {
        if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), e.getValue())) {
          continue;
        }
        writer.write(target, e.getValue());
      } catch (IOException ex) {
        throw new PlanException("cannot write bundle file " + target + ": " + ex.getMessage(), ex);
      }
    }
  }
}
