package io.homefleet.agent.play;

import io.homefleet.agent.exec.Account;
import io.homefleet.agent.exec.AsyncJobs;
import io.homefleet.agent.exec.AsyncJobs.Ran;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.Task;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.exec.TaskSink;
import io.homefleet.agent.module.AsUser;
import io.homefleet.agent.module.Modules;
import io.homefleet.agent.module.copy.TemplateModule;
import io.homefleet.playbook.run.InvocationContext;
import io.homefleet.playbook.run.ModuleInvoker;
import io.homefleet.playbook.plan.ModuleResult;
import io.homefleet.playbook.template.Templar;
import io.homefleet.pki.SecureFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * Lets a {@link io.homefleet.playbook.run.PlanRunner} run the agent's modules: each call becomes
 * a {@link Task} with the play's variables, check and diff flags, and a {@link TaskContext} whose
 * bundle directory is the play's unpacked bundle. The module's {@link Outcome#registered()} is
 * the result {@code register:} stores.
 */
final class ModuleAdapter implements ModuleInvoker {
  private final Map<String, Module> modules;
  private final String runId;
  private final String assignmentId;
  private final Path workDir;
  private final Path bundleDir;
  private final Supplier<Templar> templar;
  private final AsyncJobs jobs;

  ModuleAdapter(Map<String, Module> modules, String runId, String assignmentId, Path workDir, Path bundleDir,
      Supplier<Templar> templar, AsyncJobs jobs) {
    this.jobs = jobs;
    this.modules = modules;
    this.runId = runId;
    this.assignmentId = assignmentId;
    this.workDir = workDir;
    this.bundleDir = bundleDir;
    this.templar = templar;
  }

  @Override
  public ModuleResult invoke(String module, Map<String, Object> args, InvocationContext context)
      throws InterruptedException {
    Optional<Account> user;
    try {
      user = Account.forTask(context.user());
    } catch (TaskException e) {
      return ModuleResult.failed(context.location() + ": " + e.getMessage());
    }
    if (!context.user().isEmpty() && user == null) {
      return ModuleResult.failed(context.location() + ": " + Account.noSuchUser(context.user()));
    }
    if (AsyncJobs.STATUS.contains(module)) {
      return AsyncJobs.status(args, user);
    }
    Module m = Modules.find(modules, module);
    Optional<String> refused = user.isEmpty() ? Optional.empty()
        : AsUser.refused(m == null ? module : m.name(), context.user());
    if (refused.isPresent()) {
      return ModuleResult.failed(context.location() + ": " + refused.get());
    }
    if (m == null) {
      return ModuleResult.failed(context.location() + ": this agent has no module '" + module + "' (it has: "
          + String.join(", ", new TreeSet<>(modules.keySet())) + ")");
    }
    if (user.isPresent()) {
      // Another user's files are made by that user's own process: Ansible's module, run as that user.
      m = AsUser.as(m);
    }
    // Task copies its arguments with Map.copyOf, which refuses nulls; a null argument means "not given".
    Map<String, Object> given = new LinkedHashMap<>();
    args.forEach((k, v) -> {
      if (v != null) {
        given.put(k, v);
      }
    });
    if (context.async() <= 0) {
      return run(m, given, context, user, Duration.ZERO).result();
    }
    Module job = m;
    try {
      return jobs.run(context.async(), context.poll(), user, limit -> run(job, given, context, user, limit));
    } catch (java.io.IOException e) {
      return ModuleResult.failed(context.location() + ": cannot start the async job: " + e.getMessage());
    }
  }

  private Ran run(Module m, Map<String, Object> given, InvocationContext context, Optional<Account> user,
      Duration timeout) throws InterruptedException {
    String name = m.name();
    Task task = new Task(assignmentId + "/" + context.taskPath(), runId, name, given, timeout,
        context.checkMode(), context.diff(), context.vars(), context.environment());
    // Output is not streamed for plays: the task's result carries stdout and stderr.
    TaskContext ctx = new TaskContext(task, TaskSink.NONE, LoggerFactory.getLogger("homefleet.task." + name), workDir,
        Optional.of(bundleDir), templar, user);
    Outcome o;
    try {
      o = m.run(given, ctx);
    } catch (InterruptedException e) {
      // The play was cancelled: the task's process stops with it, as a cancelled ad-hoc task's does.
      ctx.cancel();
      throw e;
    } catch (TaskException e) {
      return new Ran(ModuleResult.failed(e.getMessage()), false);
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(ModuleAdapter.class).error("module {} crashed at {}", name, context.location(), e);
      return new Ran(ModuleResult.failed(context.location() + ": module " + name + " failed unexpectedly: " + e),
          false);
    }
    if (o.status() != Outcome.Status.OK && o.status() != Outcome.Status.SKIPPED) {
      closeWorkDir(name);
    }
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedException("play cancelled");
    }
    return new Ran(AsyncJobs.result(o), o.status() == Outcome.Status.TIMED_OUT);
  }

  /** A module call as the delegated host gets it. */
  record Delegated(String module, Map<String, Object> args) {}

  /**
   * What a delegated host runs for {@code module}: the same call, except that the files it would
   * read from this host's bundle travel in it — a template rendered here with this host's
   * variables (as Ansible renders on the controller) becomes {@code copy} with its {@code content},
   * and a copied text file its {@code content}.
   */
  Delegated delegated(String module, Map<String, Object> args, InvocationContext context) throws TaskException {
    Map<String, Object> given = new LinkedHashMap<>();
    args.forEach((k, v) -> {
      if (v != null) {
        given.put(k, v);
      }
    });
    Module m = Modules.find(modules, module);
    String name = m == null ? module : m.name();
    Object src = given.get("src");
    boolean fromBundle = src instanceof String path && Path.of(path).toAbsolutePath().normalize().startsWith(bundleDir);
    if (name.equals("template")) {
      Task task = new Task(assignmentId + "/" + context.taskPath(), runId, name, given, Duration.ZERO,
          context.checkMode(), context.diff(), context.vars(), context.environment());
      TaskContext ctx = new TaskContext(task, TaskSink.NONE, LoggerFactory.getLogger("homefleet.task." + name), workDir,
          Optional.of(bundleDir), templar);
      return new Delegated("copy", TemplateModule.asCopy(given, ctx));
    }
    if (!fromBundle) {
      return new Delegated(name, given);
    }
    if (!name.equals("copy")) {
      throw new TaskException(name, context.location() + ": " + name + " with a file from the playbook (src: " + src
          + ") cannot be delegated yet: only copy and template ship their file to the delegated host");
    }
    byte[] bytes;
    try {
      bytes = java.nio.file.Files.readAllBytes(Path.of((String) src));
    } catch (java.io.IOException e) {
      throw new TaskException(name, context.location() + ": cannot read " + src + ": " + e.getMessage());
    }
    try {
      String text = java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
      given.remove("src");
      given.put("content", text);
      return new Delegated(name, given);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new TaskException(name, context.location() + ": copy of a binary file (" + src + ") cannot be delegated yet:"
          + " only text files travel to the delegated host");
    }
  }

  /**
   * A task may have written into the work dir (a {@code dest} under {@code playbook_dir}, a shell
   * redirect) with the mode it chose; the dir is 0700, so no other user could reach those files
   * meanwhile, and this takes group and other access off them so the state dir stays 0600/0700.
   * Only after a task that changed or failed: one that was ok or skipped wrote nothing.
   */
  private void closeWorkDir(String module) {
    if (java.nio.file.Files.isSymbolicLink(workDir)) {
      return; // a task replaced the work dir by a link: what it points to is not the agent's to change
    }
    try {
      SecureFiles.tightenTree(workDir);
    } catch (java.io.IOException e) {
      LoggerFactory.getLogger(ModuleAdapter.class).warn("cannot make the play work dir {} private after {}: {}", workDir,
          module, e.getMessage());
    }
  }
}
