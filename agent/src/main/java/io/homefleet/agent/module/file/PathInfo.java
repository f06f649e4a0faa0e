package io.homefleet.agent.module.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What Ansible's {@code exit_json} adds to every result with a {@code path} (its
 * {@code add_path_info}): {@code uid}, {@code gid}, {@code owner}, {@code group}, {@code mode},
 * {@code state} ({@code file}, {@code directory}, {@code link}, {@code hard}) and {@code size},
 * when the path exists; nothing when it does not.
 */
public final class PathInfo {
  private PathInfo() {}

  public static Map<String, Object> of(Path p) throws IOException {
    Map<String, Object> data = new LinkedHashMap<>();
    if (!Files.exists(p)) {
      return data;
    }
    Map<String, Object> followed = Files.readAttributes(p, "unix:uid,gid,nlink");
    Map<String, Object> st = Files.readAttributes(p, "unix:mode,size", LinkOption.NOFOLLOW_LINKS);
    int uid = (Integer) followed.get("uid");
    int gid = (Integer) followed.get("gid");
    data.put("uid", uid);
    data.put("gid", gid);
    data.put("owner", PosixAttrs.userName(uid));
    data.put("group", PosixAttrs.groupName(gid));
    data.put("mode", Modes.format((Integer) st.get("mode")));
    data.put("state", Files.isSymbolicLink(p) ? "link" : Files.isDirectory(p) ? "directory"
        : (Integer) followed.get("nlink") > 1 ? "hard" : "file");
    data.put("size", st.get("size"));
    return data;
  }
}
