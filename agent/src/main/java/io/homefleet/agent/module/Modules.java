package io.homefleet.agent.module;

import io.homefleet.agent.exec.Module;
import io.homefleet.agent.module.ansible.AnsibleModule;
import io.homefleet.agent.module.apt.AptKeyModule;
import io.homefleet.agent.module.apt.AptModule;
import io.homefleet.agent.module.apt.AptRepositoryModule;
import io.homefleet.agent.module.archive.UnarchiveModule;
import io.homefleet.agent.module.command.CommandModule;
import io.homefleet.agent.module.command.ScriptModule;
import io.homefleet.agent.module.compose.DockerComposeModule;
import io.homefleet.agent.module.copy.CopyModule;
import io.homefleet.agent.module.copy.TemplateModule;
import io.homefleet.agent.module.cron.CronModule;
import io.homefleet.agent.module.edit.BlockInFileModule;
import io.homefleet.agent.module.edit.LineInFileModule;
import io.homefleet.agent.module.edit.ReplaceModule;
import io.homefleet.agent.module.file.FileModule;
import io.homefleet.agent.module.find.FindModule;
import io.homefleet.agent.module.file.SlurpModule;
import io.homefleet.agent.module.file.StatModule;
import io.homefleet.agent.module.file.TempFileModule;
import io.homefleet.agent.module.getent.GetentModule;
import io.homefleet.agent.module.geturl.GetUrlModule;
import io.homefleet.agent.module.logic.AssertModule;
import io.homefleet.agent.module.logic.DebugModule;
import io.homefleet.agent.module.logic.FailModule;
import io.homefleet.agent.module.logic.SetFactModule;
import io.homefleet.agent.module.hostname.HostnameModule;
import io.homefleet.agent.module.modprobe.ModprobeModule;
import io.homefleet.agent.module.mount.MountModule;
import io.homefleet.agent.module.packages.PackageFactsModule;
import io.homefleet.agent.module.packages.PackageModule;
import io.homefleet.agent.backup.BackupHistory;
import io.homefleet.agent.module.restic.ResticBackupModule;
import io.homefleet.agent.module.restic.ResticCanaryModule;
import io.homefleet.agent.module.restic.ResticCheckModule;
import io.homefleet.agent.module.restic.ResticRestoreModule;
import io.homefleet.agent.module.setup.SetupModule;
import io.homefleet.agent.module.sysctl.SysctlModule;
import io.homefleet.agent.module.timezone.TimezoneModule;
import io.homefleet.agent.module.systemd.ServiceFactsModule;
import io.homefleet.agent.module.systemd.SystemdModule;
import io.homefleet.agent.module.uri.UriModule;
import io.homefleet.agent.module.user.AuthorizedKeyModule;
import io.homefleet.agent.module.user.GroupModule;
import io.homefleet.agent.module.user.UserModule;
import io.homefleet.agent.module.wait.PauseModule;
import io.homefleet.agent.module.wait.WaitForModule;
import io.homefleet.agent.module.wipe.WipeModule;
import io.homefleet.playbook.spec.ModuleSpec;
import io.homefleet.playbook.spec.ModuleSpecs;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The modules this agent build knows, by short name. Each has a spec of the same name in
 * {@code io.homefleet.playbook.spec.ModuleSpecs}; FQCNs and other aliases resolve through it. Any
 * other fully qualified name is Ansible's own module, run with python3 ({@link AnsibleModule}).
 */
public final class Modules {
  private Modules() {}

  /** The packaged agent's state directory, for callers that have no configuration (tests, tools). */
  private static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/homefleet-agent");

  public static Map<String, Module> builtin() {
    return builtin(DEFAULT_STATE_DIR);
  }

  /** The modules, those that keep records on the host (restic's) keeping them in {@code stateDir}. */
  public static Map<String, Module> builtin(Path stateDir) {
    Map<String, Module> m = new LinkedHashMap<>();
    for (Module mod : List.of(CommandModule.command(), CommandModule.shell(), new PingModule(), new FileModule(),
        new CopyModule(), new TemplateModule(), new LineInFileModule(), new BlockInFileModule(), new ReplaceModule(),
        new StatModule(), new FindModule(), new TempFileModule(), new SlurpModule(), new GetentModule(),
        new AptModule(), SystemdModule.systemd(), SystemdModule.service(), new UserModule(), new GroupModule(),
        new CronModule(), new GetUrlModule(), new UnarchiveModule(), new DebugModule(), new SetFactModule(),
        new AssertModule(), new FailModule(), new SetupModule(), new SysctlModule(),
        new ModprobeModule(), new AuthorizedKeyModule(), new HostnameModule(), new TimezoneModule(),
        new PauseModule(), new WaitForModule(),
        new PackageModule(), new ScriptModule(), new ServiceFactsModule(),
        new PackageFactsModule(), new MountModule(), new UriModule(), new AptRepositoryModule(), new AptKeyModule(),
        new DockerComposeModule(), new WipeModule(stateDir))) {
      m.put(mod.name(), mod);
    }
    BackupHistory backups = new BackupHistory(stateDir);
    for (Module mod : List.<Module>of(new ResticBackupModule(backups), new ResticRestoreModule(),
        new ResticCheckModule(backups), new ResticCanaryModule(backups))) {
      m.put(mod.name(), mod);
    }
    return m;
  }

  /** The module a task names: native by any of its names, else Ansible's own for a fully qualified name. */
  public static Module find(Map<String, Module> modules, String name) {
    Module m = modules.get(ModuleSpecs.find(name).map(ModuleSpec::name).orElse(name));
    return m == null ? ansible(name) : m;
  }

  /** Ansible's own module for a fully qualified name no native module answers to, else null. */
  public static Module ansible(String name) {
    return AnsibleModule.names(name) && ModuleSpecs.find(name).isEmpty() ? new AnsibleModule(name) : null;
  }
}
