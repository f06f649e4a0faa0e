package io.homefleet.agent.module.user;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Commands;
import io.homefleet.agent.exec.Diff;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.StateModule;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Ansible's {@code user} on Linux: a local account created, changed or removed with
 * {@code useradd}, {@code usermod} and {@code userdel}, compared first against /etc/passwd,
 * /etc/group and /etc/shadow. {@code password} is a crypt(3) hash, as in Ansible.
 */
public final class UserModule implements StateModule {
  private static final List<String> UNSUPPORTED = List.of("generate_ssh_key", "ssh_key_bits", "ssh_key_type",
      "ssh_key_file", "ssh_key_comment", "ssh_key_passphrase", "login_class", "profile", "authorization", "role",
      "hidden", "seuser", "umask",
      "skeleton", "uid_min", "uid_max");

  private final Accounts accounts;

  public UserModule() {
    this(Accounts.system());
  }

  UserModule(Accounts accounts) {
    this.accounts = accounts;
  }

  @Override
  public String name() {
    return "user";
  }

  @Override
  public Plan plan(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    for (String u : UNSUPPORTED) {
      if (a.has(u)) {
        throw a.error(u + " is not supported by homefleet's user module yet (see docs/modules.md)");
      }
    }
    String user = a.required("name");
    String state = a.choice("state", "present", "absent", "present");
    Optional<Accounts.User> cur = accounts.user(user);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("name", user);
    data.put("state", state);
    if (state.equals("absent")) {
      if (cur.isEmpty()) {
        return Plan.inSync(data);
      }
      List<String> argv = new ArrayList<>(List.of("userdel"));
      if (a.bool("force", false)) {
        argv.add("--force");
      }
      if (a.bool("remove", false)) {
        argv.add("--remove");
      }
      argv.add(user);
      data.put("remove", a.bool("remove", false));
      data.put("force", a.bool("force", false));
      return new Plan.Drift(Diff.attrs(user, Map.of("name", user, "state", "present"),
          Map.of("name", user, "state", "absent")), data, () -> must(ctx, a, argv));
    }
    Optional<String> group = a.str("group");
    boolean groupsGiven = a.has("groups");
    List<String> groups = a.list("groups");
    if (cur.isPresent()) {
      requireGroups(a, group, groups);
    }
    boolean append = a.bool("append", false);
    Optional<String> password = a.str("password");
    if (cur.isEmpty()) {
      List<String> argv = new ArrayList<>(List.of("useradd"));
      a.integer("uid").ifPresent(uid -> argv.addAll(List.of("-u", Long.toString(uid))));
      if (a.bool("non_unique", false)) {
        argv.add("-o");
      }
      group.ifPresent(g -> argv.addAll(List.of("-g", g)));
      if (!groups.isEmpty()) {
        argv.addAll(List.of("-G", String.join(",", groups)));
      }
      a.str("comment").ifPresent(c -> argv.addAll(List.of("-c", c)));
      a.str("home").ifPresent(h -> argv.addAll(List.of("-d", h)));
      a.str("shell").ifPresent(s -> argv.addAll(List.of("-s", s)));
      password.ifPresent(p -> argv.addAll(List.of("-p", p)));
      if (a.has("expires") && Double.parseDouble(a.required("expires")) >= 0) {
        argv.addAll(List.of("-e", java.time.LocalDate.ofEpochDay(
            (long) Math.floor(Double.parseDouble(a.required("expires")) / 86400)).toString()));
      }
      boolean system = a.bool("system", false);
      if (system) {
        argv.add("-r");
      }
      boolean createHome = a.bool("create_home", true);
      argv.add(createHome ? "-m" : "-M");
      if (group.isEmpty() && accounts.group(user).isPresent()) {
        // A group named like the user exists: useradd would fail to create it, so it becomes the primary group.
        argv.addAll(List.of("-g", user));
      }
      argv.add(user);
      data.put("system", system);
      data.put("create_home", createHome);
      a.str("comment").ifPresent(c -> data.put("comment", c));
      a.str("shell").ifPresent(s -> data.put("shell", s));
      a.str("home").ifPresent(h -> data.put("home", h));
      if (password.isPresent()) {
        data.put("password", "NOT_LOGGING_PASSWORD");
      }
      Map<String, Object> after = new LinkedHashMap<>(Map.of("name", user, "state", "present"));
      // As Ansible: a user to create is a change in check mode whether or not its groups exist yet
      // (a group task before it creates them, which check mode only reports); applying needs them.
      List<String> chageNew = new ArrayList<>(List.of("chage"));
      for (String[] age : new String[][] {{"password_expire_min", "-m"}, {"password_expire_max", "-M"},
          {"password_expire_warn", "-W"}}) {
        a.integer(age[0]).ifPresent(v -> chageNew.addAll(List.of(age[1], Long.toString(v))));
      }
      chageNew.add(user);
      return new Plan.Drift(Diff.attrs(user, Map.of("name", user, "state", "absent"), after), data, () -> {
        requireGroups(a, group, groups);
        must(ctx, a, argv);
        if (chageNew.size() > 2) {
          must(ctx, a, chageNew);
        }
        Accounts.User made = accounts.user(user).orElseThrow(() -> a.error("useradd reported success but " + user
            + " is not in /etc/passwd"));
        return Map.of("uid", made.uid(), "group", made.gid(), "home", made.home(), "shell", made.shell());
      });
    }
    Accounts.User u = cur.get();
    data.put("uid", u.uid());
    data.put("group", u.gid());
    data.put("home", u.home());
    data.put("shell", u.shell());
    data.put("comment", u.comment());
    List<String> argv = new ArrayList<>(List.of("usermod"));
    Map<String, Object> before = new LinkedHashMap<>();
    Map<String, Object> after = new LinkedHashMap<>();
    Optional<Long> uid = a.integer("uid");
    if (uid.isPresent() && uid.get() != u.uid()) {
      argv.addAll(List.of("-u", Long.toString(uid.get())));
      if (a.bool("non_unique", false)) {
        argv.add("-o");
      }
      change(before, after, data, "uid", u.uid(), uid.get().intValue());
    }
    if (group.isPresent()) {
      int gid = accounts.group(group.get()).get().gid();
      if (gid != u.gid()) {
        argv.addAll(List.of("-g", group.get()));
        change(before, after, data, "group", u.gid(), gid);
      }
    }
    if (groupsGiven) {
      List<String> have = accounts.supplementary(user);
      Set<String> want = new LinkedHashSet<>(groups);
      // The primary group is not a supplementary one; Ansible leaves it out too.
      accounts.group(Integer.toString(u.gid())).ifPresent(g -> want.remove(g.name()));
      Set<String> result = new LinkedHashSet<>(append ? have : List.of());
      result.addAll(want);
      if (!result.equals(new LinkedHashSet<>(have))) {
        if (append) {
          argv.add("-a");
        }
        argv.addAll(List.of("-G", String.join(",", append ? want : result)));
        change(before, after, data, "groups", String.join(",", have), String.join(",", result));
      }
    }
    a.str("comment").filter(c -> !c.equals(u.comment())).ifPresent(c -> {
      argv.addAll(List.of("-c", c));
      change(before, after, data, "comment", u.comment(), c);
    });
    a.str("shell").filter(s -> !s.equals(u.shell())).ifPresent(s -> {
      argv.addAll(List.of("-s", s));
      change(before, after, data, "shell", u.shell(), s);
    });
    if (a.str("home").isPresent() && !a.str("home").get().equals(u.home())) {
      argv.addAll(List.of("-d", a.str("home").get()));
      if (a.bool("move_home", false)) {
        argv.add("-m");
      }
      change(before, after, data, "home", u.home(), a.str("home").get());
    }
    if (password.isPresent() && a.choice("update_password", "always", "always", "on_create").equals("always")
        && !password.get().equals(accounts.passwordHash(user).orElse(""))) {
      argv.addAll(List.of("-p", password.get()));
      before.put("password", "NOT_LOGGING_PASSWORD");
      after.put("password", "NOT_LOGGING_PASSWORD (changed)");
    }
    if (a.has("password_lock")) {
      boolean locked = accounts.passwordHash(user).orElse("").startsWith("!");
      boolean want = a.bool("password_lock", false);
      if (want != locked) {
        argv.add(want ? "-L" : "-U");
        before.put("password_lock", locked);
        after.put("password_lock", want);
      }
    }
    if (password.isPresent()) {
      data.put("password", "NOT_LOGGING_PASSWORD");
    }
    Optional<String[]> shadow = accounts.shadow(user);
    if (a.has("expires")) {
      double expires = Double.parseDouble(a.required("expires"));
      String want = expires < 0 ? "" : Long.toString((long) Math.floor(expires / 86400));
      String have = shadow.map(f -> f[7]).orElse("");
      if (!want.equals(have)) {
        argv.addAll(List.of("-e", expires < 0 ? "" : java.time.LocalDate.ofEpochDay(Long.parseLong(want)).toString()));
        change(before, after, data, "expires", have.isEmpty() ? -1 : Long.parseLong(have) * 86400, expires);
      }
    }
    List<String> chage = new ArrayList<>(List.of("chage"));
    String[][] ages = {{"password_expire_min", "-m", "3"}, {"password_expire_max", "-M", "4"},
        {"password_expire_warn", "-W", "5"}};
    for (String[] age : ages) {
      Optional<Long> want = a.integer(age[0]);
      String have = shadow.map(f -> f[Integer.parseInt(age[2])]).orElse("");
      if (want.isPresent() && !Long.toString(want.get()).equals(have)) {
        chage.addAll(List.of(age[1], Long.toString(want.get())));
        change(before, after, data, age[0], have, want.get());
      }
    }
    if (argv.size() == 1 && chage.size() == 1) {
      return Plan.inSync(data);
    }
    argv.add(user);
    chage.add(user);
    return new Plan.Drift(Diff.attrs(user, before, after), data, () -> {
      if (argv.size() > 2) {
        must(ctx, a, argv);
      }
      if (chage.size() > 2) {
        must(ctx, a, chage);
      }
      return Map.of();
    });
  }

  private static void change(Map<String, Object> before, Map<String, Object> after, Map<String, Object> data,
      String key, Object was, Object will) {
    before.put(key, was);
    after.put(key, will);
    data.put(key, will);
  }

  static Map<String, Object> must(TaskContext ctx, Args a, List<String> argv) throws TaskException, InterruptedException {
    Commands.Result r = Commands.run(ctx, argv);
    if (!r.ok()) {
      throw a.error(r.describe());
    }
    return Map.of();
  }

  private void requireGroups(Args a, Optional<String> group, List<String> groups) throws TaskException {
    if (group.isPresent() && accounts.group(group.get()).isEmpty()) {
      throw a.error("Group " + group.get() + " does not exist");
    }
    for (String g : groups) {
      if (accounts.group(g).isEmpty()) {
        throw a.error("Group " + g + " does not exist");
      }
    }
  }
}
