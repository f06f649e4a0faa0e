package io.homefleet.e2e.netns;

import static io.homefleet.e2e.Recaps.changed;
import static io.homefleet.e2e.Recaps.recap;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * playbooks/kubernetes.yml (and the docker role) run by real agents on two network-namespace
 * hosts, each chrooted in a {@link ScratchRoot} of its own: the files the roles write are real
 * and checked (containerd's config.toml with SystemdCgroup, the sysctl.d and modules-load.d
 * files, an fstab without swap, daemon.json, the apt sources, Uptime Kuma's compose file); what
 * would need a real node — kubeadm, kubectl, docker, systemctl, apt-get's installs,
 * swapon/swapoff — are stand-ins on the PATH
 * that record their calls. kubeadm's stand-in writes the files kubeadm would (admin.conf and
 * kubelet.conf on init, kubelet.conf on join) and prints a join command with a token and CA
 * hash of its own making, so the test can see the second host join with exactly the first
 * host's. Not exercised here: loading kernel modules and applying sysctls (this machine's kernel
 * is not the test's to change: kubernetes_load_modules and kubernetes_apply_sysctls are off).
 */
class KubernetesRolesIT {
  private static final String CP = "k8s-cp1";
  private static final String NODE = "k8s-node2";
  /** Every stand-in logs "NAME ARGS" here, in its own root. */
  private static final String CALLS = "/var/log/standin-calls.log";

  @Test
  void firstHostInits_otherJoinsWithItsTokenAndHash_configFilesAreWritten_andASecondRunChangesNothing(
      @TempDir Path tmp) throws Exception {
    Phases phases = new Phases("KubernetesRolesIT");
    try (TestHosts net = TestHosts.create(tmp.resolve("net"), CP, NODE);
        TestController controller = TestController.start(net, tmp.resolve("controller"));
        ScratchRoot cpRoot = ScratchRoot.create(tmp.resolve("root-cp"));
        ScratchRoot nodeRoot = ScratchRoot.create(tmp.resolve("root-node"))) {
      for (ScratchRoot r : List.of(cpRoot, nodeRoot)) {
        standIns(r);
      }
      for (String h : List.of(CP, NODE)) {
        TestController.Enrollment e = controller.token(h, "prod");
        (h.equals(CP) ? cpRoot : nodeRoot).startAgent(net.host(h), controller.address(), e.token(), e.caFingerprint(),
            tmp.resolve(h + ".log"));
      }
      controller.awaitStatus(Duration.ofSeconds(90), "online", CP, NODE);
      phases.done("two scratch roots, two agents online");

      Path inv = Files.writeString(tmp.resolve("hosts.yml"), "all:\n  children:\n    prod:\n      hosts:\n"
          + "        " + CP + ":\n          ansible_host: " + net.host(CP).address() + "\n        " + NODE + ":\n"
          + "      vars:\n        kubernetes_load_modules: false\n        kubernetes_apply_sysctls: false\n"
          + "        docker_daemon_options: {log-driver: journald, live-restore: true}\n    dev:\n      hosts: {}\n");
      Path play = Launchers.ROOT.resolve("playbooks/kubernetes.yml");
      CommandResult first = controller.cli("play", play.toString(), "-i", inv.toString());
      assertThat(first.exitCode()).as(first.all() + controller.logs()).isZero();
      for (String h : List.of(CP, NODE)) {
        assertThat(recap(first.stdout(), h)).contains("failed=0", "unreachable=0");
      }
      phases.done("first run");

      // Orchestration: init once on the first host; the other joins with the first host's token and hash.
      List<String> cpCalls = Files.readAllLines(cpRoot.file(CALLS));
      List<String> nodeCalls = Files.readAllLines(nodeRoot.file(CALLS));
      assertThat(cpCalls.stream().filter(c -> c.startsWith("kubeadm init")))
          .containsExactly("kubeadm init --control-plane-endpoint " + net.host(CP).address()
              + ":6443 --pod-network-cidr 10.244.0.0/16 --service-cidr 10.96.0.0/12");
      assertThat(cpCalls).contains("kubeadm token create --print-join-command");
      assertThat(cpCalls).noneMatch(c -> c.startsWith("kubeadm join"));
      assertThat(nodeCalls).noneMatch(c -> c.startsWith("kubeadm init") || c.startsWith("kubeadm token"));
      String token = Files.readString(cpRoot.file("/etc/kubernetes/standin-token")).strip();
      String hash = Files.readString(cpRoot.file("/etc/kubernetes/standin-ca-hash")).strip();
      assertThat(nodeCalls.stream().filter(c -> c.startsWith("kubeadm join"))).containsExactly("kubeadm join "
          + net.host(CP).address() + ":6443 --token " + token + " --discovery-token-ca-cert-hash sha256:" + hash);
      assertThat(first.stdout()).as("the token stays out of the output").doesNotContain(token);
      // Packages, swap and services through their stand-ins, in order on each host.
      for (List<String> calls : List.of(cpCalls, nodeCalls)) {
        assertThat(calls).containsSubsequence("swapoff -a", "apt-get update -q -o DPkg::Lock::Timeout=60",
            "systemctl restart containerd");
        assertThat(calls).anyMatch(c -> c.matches("apt-get -y .* install containerd"));
        assertThat(calls).anyMatch(c -> c.matches("apt-get -y .* install kubelet kubeadm kubectl"));
        assertThat(calls).contains("systemctl enable kubelet");
      }

      // Configuration, for real, in each root.
      for (ScratchRoot r : List.of(cpRoot, nodeRoot)) {
        assertThat(r.file("/etc/containerd/config.toml")).content()
            .contains("[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true");
        assertThat(r.file("/etc/modules-load.d/kubernetes.conf")).hasContent("overlay\nbr_netfilter");
        assertThat(Files.readAllLines(r.file("/etc/sysctl.d/99-kubernetes.conf"))).containsExactlyInAnyOrder(
            "net.bridge.bridge-nf-call-iptables=1", "net.bridge.bridge-nf-call-ip6tables=1", "net.ipv4.ip_forward=1");
        assertThat(Files.readAllLines(r.file("/etc/fstab"))).contains("UUID=0a1b / ext4 errors=remount-ro 0 1",
            "# /swap.img none swap sw 0 0").noneMatch(l -> l.matches("^[^#].*\\sswap\\s.*"));
        assertThat(r.file("/etc/apt/sources.list.d/kubernetes.list")).content().contains(
            "deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.asc] https://pkgs.k8s.io/core:/stable:/v1.30/deb/ /");
      }
      phases.done("calls and files checked");

      CommandResult second = controller.cli("play", play.toString(), "-i", inv.toString());
      assertThat(second.exitCode()).as(second.all()).isZero();
      for (String h : List.of(CP, NODE)) {
        assertThat(changed(second.stdout(), h)).as(second.stdout()).isZero();
      }
      for (ScratchRoot r : List.of(cpRoot, nodeRoot)) {
        List<String> all = Files.readAllLines(r.file(CALLS));
        int before = (r == cpRoot ? cpCalls : nodeCalls).size();
        assertThat(all.subList(before, all.size())).as("the second run only looks")
            .allMatch(c -> c.startsWith("systemctl show ") || c.startsWith("swapon "));
      }
      phases.done("second run: nothing");

      // The docker role and the first compose service on the first host: daemon.json from the
      // variables, the service enabled, Uptime Kuma's project written and brought up once.
      // A directory of its own: homefleet uploads the playbook's whole directory.
      Path dockerDir = Files.createDirectories(tmp.resolve("dockerplay/roles"));
      Path dockerPlay = Files.writeString(dockerDir.resolveSibling("docker.yml"),
          "- hosts: " + CP + "\n  roles:\n    - docker\n    - uptime_kuma\n");
      for (String role : List.of("docker", "uptime_kuma")) {
        assertThat(Commands.run(Duration.ofSeconds(10), List.of("cp", "-r", Launchers.ROOT.resolve("playbooks/roles/"
            + role).toString(), dockerDir.resolve(role).toString()), java.util.Map.of()).ok()).isTrue();
      }
      CommandResult docker = controller.cli("play", dockerPlay.toString(), "-i", inv.toString());
      assertThat(docker.exitCode()).as(docker.all()).isZero();
      assertThat(cpRoot.file("/etc/docker/daemon.json")).hasContent("{\n    \"live-restore\": true,\n"
          + "    \"log-driver\": \"journald\"\n}"); // to_nice_json sorts the keys, as Ansible's does
      assertThat(Files.readAllLines(cpRoot.file(CALLS))).anyMatch(c -> c.matches("apt-get -y .* install docker.io"
          + " docker-compose")).contains("systemctl enable docker", "systemctl restart docker");
      assertThat(cpRoot.file("/srv/compose/uptime-kuma/compose.yaml")).content()
          .contains("image: louislam/uptime-kuma:1", "\"0.0.0.0:3001:3001\"", "/srv/compose/uptime-kuma/data:/app/data");
      assertThat(cpRoot.file("/srv/compose/uptime-kuma/data")).isDirectory();
      String up = "docker compose -p uptime-kuma -f /srv/compose/uptime-kuma/compose.yaml up -d --remove-orphans"
          + " --pull missing";
      assertThat(Files.readAllLines(cpRoot.file(CALLS))).containsOnlyOnce(up);
      CommandResult dockerAgain = controller.cli("play", dockerPlay.toString(), "-i", inv.toString());
      assertThat(dockerAgain.exitCode()).as(dockerAgain.all()).isZero();
      assertThat(changed(dockerAgain.stdout(), CP)).as(dockerAgain.stdout()).isZero();
      assertThat(Files.readAllLines(cpRoot.file(CALLS))).containsOnlyOnce(up);
      phases.done("docker and uptime_kuma roles, twice");
    }
  }

  private static void standIns(ScratchRoot r) throws Exception {
    Files.writeString(r.file("/etc/fstab"), "UUID=0a1b / ext4 errors=remount-ro 0 1\n/swap.img none swap sw 0 0\n");
    // The signing key is there already: get_url leaves an existing key alone (no download in a test).
    Files.createDirectories(r.file("/etc/apt/keyrings"));
    Files.writeString(r.file("/etc/apt/keyrings/kubernetes-apt-keyring.asc"), "stand-in key\n");
    Files.createDirectories(r.file("/var/lib/standin"));
    // What the systemd module takes for "systemd is PID 1"; systemctl itself is the stand-in below.
    Files.createDirectories(r.file("/run/systemd/system"));
    String log = "echo \"$(basename \"$0\") $*\" >> " + CALLS + "\n";
    r.standIn("kubeadm", "#!/bin/sh\n" + log + "set -e\ncase \"$1\" in\n"
        + "init)\n  mkdir -p /etc/kubernetes\n"
        + "  od -An -N3 -tx1 /dev/urandom | tr -d ' \\n' > /etc/kubernetes/standin-t1\n"
        + "  od -An -N8 -tx1 /dev/urandom | tr -d ' \\n' > /etc/kubernetes/standin-t2\n"
        + "  echo \"$(cat /etc/kubernetes/standin-t1).$(cat /etc/kubernetes/standin-t2)\" > /etc/kubernetes/standin-token\n"
        + "  od -An -N32 -tx1 /dev/urandom | tr -d ' \\n' > /etc/kubernetes/standin-ca-hash\n"
        + "  echo \"$3\" > /etc/kubernetes/standin-endpoint\n"
        + "  echo 'stand-in admin.conf' > /etc/kubernetes/admin.conf\n"
        + "  echo 'stand-in kubelet.conf' > /etc/kubernetes/kubelet.conf ;;\n"
        + "token)\n  echo \"kubeadm join $(cat /etc/kubernetes/standin-endpoint) --token $(cat /etc/kubernetes/standin-token)"
        + " --discovery-token-ca-cert-hash sha256:$(cat /etc/kubernetes/standin-ca-hash) \" ;;\n"
        + "join)\n  mkdir -p /etc/kubernetes\n  echo 'stand-in kubelet.conf' > /etc/kubernetes/kubelet.conf ;;\n"
        + "esac\n");
    r.standIn("kubectl", "#!/bin/sh\n" + log);
    // docker: `docker compose version` succeeds, so docker_compose picks compose v2.
    r.standIn("docker", "#!/bin/sh\n" + log);
    // systemctl: units are loaded; enable/start/restart are remembered so `show` reports them.
    r.standIn("systemctl", "#!/bin/sh\n" + log + "s=/var/lib/standin\ncase \"$1\" in\n"
        + "show)\n  echo LoadState=loaded\n  echo \"ActiveState=$(cat $s/$2.active 2>/dev/null || echo inactive)\"\n"
        + "  echo \"UnitFileState=$(cat $s/$2.enabled 2>/dev/null || echo disabled)\" ;;\n"
        + "enable) for u in \"$@\"; do [ \"$u\" = enable ] || echo enabled > $s/${u%.service}.enabled; done ;;\n"
        + "start|restart) echo active > $s/${2%.service}.active ;;\n"
        + "esac\nexit 0\n");
    // apt-get: `update` refreshes the stamp; `install` records each package as installed in dpkg's status.
    r.standIn("apt-get", "#!/bin/sh\n" + log + "case \" $* \" in *' -s '*) exit 0 ;; esac\n"
        + "case \" $* \" in\n"
        + "*' update '*) touch /var/lib/apt/periodic/update-success-stamp ;;\n"
        + "*' install '*) seen=; for a in \"$@\"; do\n"
        + "    if [ -n \"$seen\" ]; then printf 'Package: %s\\nStatus: install ok installed\\nPriority: optional\\n"
        + "Section: admin\\nMaintainer: stand-in <root@localhost>\\nArchitecture: amd64\\nVersion: 1.0-1\\n"
        + "Description: stand-in\\n\\n' \"$a\" >> /var/lib/dpkg/status; fi\n"
        + "    [ \"$a\" = install ] && seen=1; done ;;\n"
        + "esac\nexit 0\n");
    r.standIn("swapon", "#!/bin/sh\n" + log + "[ -e /var/lib/standin/swapoff ] || echo /swap.img\n");
    r.standIn("swapoff", "#!/bin/sh\n" + log + "touch /var/lib/standin/swapoff\n");
  }

}
