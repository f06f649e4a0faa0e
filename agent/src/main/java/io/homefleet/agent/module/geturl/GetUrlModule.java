package io.homefleet.agent.module.geturl;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Diff;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.StateModule;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.file.AtomicFiles;
import io.homefleet.agent.module.file.FileAttrs;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Ansible's {@code get_url}: downloads {@code url} to {@code dest} over HTTP(S) with Java's
 * HttpClient. An existing {@code dest} is left alone unless {@code force} is set or its
 * {@code checksum} ({@code ALGORITHM:HEX}) differs; with {@code force} the download is digested
 * while planning and only written when it differs. The file goes in through a temporary file
 * and is checked against {@code checksum} before it replaces anything.
 */
public final class GetUrlModule implements StateModule {
  @Override
  public String name() {
    return "get_url";
  }

  /** An expected checksum, from {@code sha256:0123...}. */
  record Checksum(String algorithm, String hex) {
    static Optional<Checksum> parse(Args a) throws TaskException {
      String raw = a.str("checksum", "");
      if (raw.isEmpty()) {
        return Optional.empty();
      }
      int colon = raw.indexOf(':');
      if (colon <= 0) {
        throw a.error("The checksum parameter has to be in format <algorithm>:<checksum>, got: " + raw);
      }
      String algo = raw.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
      String hex = raw.substring(colon + 1).trim().toLowerCase(java.util.Locale.ROOT);
      if (hex.contains("://")) {
        throw a.error("a checksum URL is not supported by homefleet's get_url yet; give the digest itself");
      }
      try {
        AtomicFiles.messageDigest(algo);
      } catch (IllegalArgumentException e) {
        throw a.error(e.getMessage());
      }
      return Optional.of(new Checksum(algo, hex));
    }
  }

  @Override
  public Plan plan(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    for (String u : List.of("client_cert", "client_key", "use_gssapi", "use_netrc", "ciphers", "tmp_dest")) {
      if (a.has(u)) {
        throw a.error(u + " is not supported by homefleet's get_url yet (see docs/modules.md)");
      }
    }
    if (!a.bool("validate_certs", true)) {
      throw a.error("validate_certs=false is not supported: homefleet does not download without verifying TLS");
    }
    String url = a.required("url");
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw a.error("invalid url " + url + ": " + e.getMessage());
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw a.error("only http and https URLs are supported, got: " + url);
    }
    Path dest = Path.of(a.required("dest"));
    if (Files.isDirectory(dest)) {
      String p = uri.getPath() == null ? "" : uri.getPath();
      String base = p.substring(p.lastIndexOf('/') + 1);
      if (base.isEmpty()) {
        throw a.error("dest is a directory and the URL names no file: give dest a file name");
      }
      dest = dest.resolve(base);
    }
    Path target = dest;
    if (!Files.isDirectory(target.toAbsolutePath().getParent())) {
      throw a.error("Destination dir " + target.toAbsolutePath().getParent() + " not writable or does not exist");
    }
    Optional<Checksum> checksum = Checksum.parse(a);
    boolean force = a.bool("force", false);
    FileAttrs attrs = FileAttrs.of(a);
    Duration timeout = Duration.ofSeconds(a.integer("timeout").orElse(10L));
    HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(timeout).build();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("url", url);
    data.put("dest", target.toString());
    data.put("state", "file");
    boolean exists = Files.isRegularFile(target);
    List<Plan> parts = new ArrayList<>();
    if (exists) {
      String destSha1 = digest(a, target, "sha1");
      data.put("checksum_dest", destSha1);
      boolean inSync;
      if (checksum.isPresent()) {
        inSync = digest(a, target, checksum.get().algorithm()).equals(checksum.get().hex());
      } else if (force) {
        inSync = fetchDigest(a, client, uri, timeout, "sha1").equals(destSha1);
      } else {
        inSync = true;
        data.put("msg", "file already exists");
      }
      if (inSync) {
        data.put("checksum_src", destSha1);
        parts.add(attrs.plan(name(), target, FileAttrs.read(target), 0644, false));
        return Plan.all(data, parts);
      }
    }
    String beforeSum = exists ? String.valueOf(data.get("checksum_dest")) : "absent";
    parts.add(new Plan.Drift(new Diff(Map.of("checksum", beforeSum), Map.of("url", url), target.toString(),
        target.toString()), Map.of(), () -> download(a, client, uri, timeout, target, checksum, exists, ctx)));
    parts.add(attrs.plan(name(), target, exists ? FileAttrs.read(target) : Optional.empty(), 0644, false));
    return Plan.all(data, parts);
  }

  private HttpRequest request(Args a, URI uri, Duration timeout) throws TaskException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).GET();
    b.header("User-Agent", a.str("http_agent", "ansible-httpget"));
    for (Map.Entry<String, Object> h : a.dict("headers").entrySet()) {
      b.header(h.getKey(), String.valueOf(h.getValue()));
    }
    Optional<String> user = a.str("url_username");
    if (user.isPresent()) {
      String token = user.get() + ":" + a.str("url_password", "");
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
    }
    return b.build();
  }

  private HttpResponse<InputStream> send(Args a, HttpClient client, URI uri, Duration timeout)
      throws TaskException, InterruptedException {
    HttpResponse<InputStream> r;
    try {
      r = client.send(request(a, uri, timeout), HttpResponse.BodyHandlers.ofInputStream());
    } catch (java.net.http.HttpTimeoutException e) {
      throw a.error("Request failed: timed out after " + timeout.toSeconds() + "s fetching " + uri);
    } catch (IOException e) {
      throw a.error("Request failed: " + e + " (" + uri + ")");
    }
    if (r.statusCode() != 200) {
      try {
        r.body().close();
      } catch (IOException ignored) {
        // Nothing more to read from a failed response.
      }
      throw a.error("Request failed: HTTP Error " + r.statusCode() + " (" + uri + "); status_code=" + r.statusCode());
    }
    return r;
  }

  private String fetchDigest(Args a, HttpClient client, URI uri, Duration timeout, String algorithm)
      throws TaskException, InterruptedException {
    MessageDigest md = AtomicFiles.messageDigest(algorithm);
    try (InputStream in = send(a, client, uri, timeout).body()) {
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    } catch (IOException e) {
      throw a.error("Request failed while reading " + uri + ": " + e.getMessage());
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private Map<String, Object> download(Args a, HttpClient client, URI uri, Duration timeout, Path target,
      Optional<Checksum> checksum, boolean exists, TaskContext ctx) throws TaskException, InterruptedException {
    long t0 = System.nanoTime();
    HttpResponse<InputStream> r = send(a, client, uri, timeout);
    Path tmp;
    try {
      Files.createDirectories(ctx.workDir());
      tmp = Files.createTempFile(ctx.workDir(), "get_url.", ".part");
    } catch (IOException e) {
      throw a.error("cannot create a temporary file in " + ctx.workDir() + ": " + e.getMessage());
    }
    try {
      try (InputStream in = r.body()) {
        Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      if (checksum.isPresent()) {
        String got = AtomicFiles.digest(tmp, checksum.get().algorithm());
        if (!got.equals(checksum.get().hex())) {
          throw a.error("The checksum for " + target + " did not match " + checksum.get().hex() + "; it was " + got);
        }
      }
      Map<String, Object> learnt = new LinkedHashMap<>();
      if (exists && a.bool("backup", false)) {
        learnt.put("backup_file", AtomicFiles.backup(target).toString());
      }
      try (InputStream in = Files.newInputStream(tmp)) {
        AtomicFiles.write(target, in);
      }
      learnt.put("status_code", r.statusCode());
      learnt.put("checksum_src", AtomicFiles.digest(target, "sha1"));
      learnt.put("md5sum", AtomicFiles.digest(target, "md5"));
      learnt.put("size", Files.size(target));
      learnt.put("msg", "OK (" + Files.size(target) + " bytes)");
      learnt.put("elapsed", (System.nanoTime() - t0) / 1_000_000_000L);
      return learnt;
    } catch (IOException e) {
      throw a.error("Request failed while downloading " + uri + " to " + target + ": " + e.getMessage());
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // A stale temporary file in the work dir is harmless.
      }
    }
  }

  private static String digest(Args a, Path p, String algorithm) throws TaskException {
    try {
      return AtomicFiles.digest(p, algorithm);
    } catch (IOException e) {
      throw a.error("cannot read " + p + ": " + e.getMessage());
    }
  }
}
