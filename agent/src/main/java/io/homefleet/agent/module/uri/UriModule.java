package io.homefleet.agent.module.uri;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.ansible.AnsibleModule;
import io.homefleet.agent.module.file.AtomicFiles;
import io.homefleet.playbook.template.Dumps;
import io.homefleet.playbook.template.Py;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * ansible-core 2.14's {@code uri} with java.net.http.HttpClient: the request (method, body as
 * raw, JSON or form-urlencoded, headers, basic auth, redirects, TLS trust), and the result as
 * the module builds it: {@code status}, {@code url}, {@code redirected}, {@code msg}
 * ({@code OK (N bytes)} or the HTTP error), {@code cookies}, {@code elapsed}, every response
 * header lower-cased with '-' as '_', {@code content} with {@code return_content}, {@code json}
 * for a JSON answer, and {@code dest}'s file. The module has no check mode, so a check run skips
 * it as Ansible does.
 */
public final class UriModule implements Module {
  /** Made at the first JSON response: the resident agent builds every module and should load no JSON codec for that. */
  private static final class Lazy {
    static final ObjectMapper JSON = new ObjectMapper();
  }

  private static final Pattern CHARSET = Pattern.compile("charset=\"?([^\";\\s]+)", Pattern.CASE_INSENSITIVE);
  private static final List<String> PYTHON_ONLY = List.of("unix_socket", "client_cert", "client_key", "src");
  private static final List<String> JSON_CANDIDATES = List.of("json", "javascript");
  private static final Map<Integer, String> REASONS = Map.ofEntries(Map.entry(200, "OK"), Map.entry(201, "Created"),
      Map.entry(202, "Accepted"), Map.entry(204, "No Content"), Map.entry(301, "Moved Permanently"),
      Map.entry(302, "Found"), Map.entry(303, "See Other"), Map.entry(304, "Not Modified"),
      Map.entry(307, "Temporary Redirect"), Map.entry(308, "Permanent Redirect"), Map.entry(400, "Bad Request"),
      Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"),
      Map.entry(405, "Method Not Allowed"), Map.entry(409, "Conflict"), Map.entry(418, "I'm a Teapot"),
      Map.entry(500, "Internal Server Error"), Map.entry(502, "Bad Gateway"), Map.entry(503, "Service Unavailable"));

  @Override
  public String name() {
    return "uri";
  }

  @Override
  public Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    if (ctx.checkMode()) {
      return Outcome.of(Outcome.Status.SKIPPED, "remote module (uri) does not support check mode");
    }
    String bodyFormat = a.choice("body_format", "raw", "form-urlencoded", "json", "raw", "form-multipart")
        .toLowerCase(Locale.ROOT);
    if (a.has("src") && !a.bool("remote_src", false)) {
      throw a.error("src without remote_src: true names a playbook file, which Ansible's action plugin uploads; "
          + "give a path on the host with remote_src: true, or the file as body: \"{{ lookup('file', 'NAME') }}\"");
    }
    if (PYTHON_ONLY.stream().anyMatch(a::has) || bodyFormat.equals("form-multipart")) {
      // What the native module does not do, Ansible's own does on the host (a python start, ~120 ms).
      return new AnsibleModule("ansible.builtin.uri").run(raw, ctx);
    }
    String url = a.required("url");
    String method = a.str("method", "GET").toUpperCase(Locale.ROOT);
    if (!method.matches("[A-Z]+")) {
      return Outcome.failed("Parameter 'method' needs to be a single word in uppercase, like GET or POST.");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (Map.Entry<String, Object> h : a.dict("headers").entrySet()) {
      headers.put(h.getKey(), String.valueOf(h.getValue()));
    }
    boolean typed = headers.keySet().stream().anyMatch(k -> k.equalsIgnoreCase("content-type"));
    Object body = a.raw("body").orElse(null);
    String text = null;
    if (bodyFormat.equals("json")) {
      text = body == null || body instanceof String ? (String) body : Dumps.json(body, -1, false, ", ");
      if (!typed) {
        headers.put("Content-Type", "application/json");
      }
    } else if (bodyFormat.equals("form-urlencoded")) {
      text = body instanceof String s ? s : formUrlencoded(a, body);
      if (!typed) {
        headers.put("Content-Type", "application/x-www-form-urlencoded");
      }
    } else if (body != null) {
      text = body instanceof String s ? s : Dumps.json(body, -1, false, ", ");
      // urllib gives a request with a body this type when the task names none.
      if (!typed) {
        headers.put("Content-Type", "application/x-www-form-urlencoded");
      }
    }
    Optional<String> creates = a.str("creates");
    if (creates.isPresent() && Files.exists(Path.of(creates.get()))) {
      return Outcome.result(false, "", Map.of("stdout", "skipped, since '" + creates.get() + "' exists"));
    }
    Optional<String> removes = a.str("removes");
    if (removes.isPresent() && !Files.exists(Path.of(removes.get()))) {
      return Outcome.result(false, "", Map.of("stdout", "skipped, since '" + removes.get() + "' does not exist"));
    }
    List<Integer> statusCodes = new ArrayList<>();
    for (String s : a.list("status_code")) {
      statusCodes.add(Integer.parseInt(s.trim()));
    }
    if (statusCodes.isEmpty()) {
      statusCodes.add(200);
    }
    Duration timeout = Duration.ofSeconds(a.integer("timeout").orElse(30L));
    String follow = a.choice("follow_redirects", "safe", "all", "no", "none", "safe", "urllib2", "yes");
    boolean followAll = List.of("all", "yes", "urllib2").contains(follow);
    boolean followSafe = follow.equals("safe") && (method.equals("GET") || method.equals("HEAD"));

    HttpClient.Builder cb = HttpClient.newBuilder().connectTimeout(timeout)
        .followRedirects(followAll || followSafe ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1);
    if (url.regionMatches(true, 0, "https:", 0, 6)) {
      cb.sslContext(ssl(a));
    }
    HttpRequest.Builder rb = HttpRequest.newBuilder().timeout(timeout)
        .header("User-Agent", a.str("http_agent", "ansible-httpget"));
    try {
      rb.uri(URI.create(url));
    } catch (IllegalArgumentException e) {
      return Outcome.failed("unknown url type: " + url, Map.of("status", -1, "url", url, "elapsed", 0));
    }
    headers.forEach(rb::header);
    if (a.has("url_username")) {
      boolean force = a.bool("force_basic_auth", false);
      String user = a.str("url_username", "");
      String password = a.str("url_password", "");
      if (force) {
        rb.header("Authorization", "Basic "
            + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
      } else {
        cb.authenticator(new java.net.Authenticator() {
          @Override
          protected java.net.PasswordAuthentication getPasswordAuthentication() {
            return new java.net.PasswordAuthentication(user, password.toCharArray());
          }
        });
      }
    }
    rb.method(method, text == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8));

    long start = System.nanoTime();
    HttpResponse<byte[]> r;
    try {
      r = cb.build().send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      return failed(url, start, "Request failed: <urlopen error timed out>", statusCodes);
    } catch (IOException e) {
      return failed(url, start, "Request failed: <urlopen error " + describe(e) + ">", statusCodes);
    }
    int elapsed = (int) Duration.ofNanos(System.nanoTime() - start).toSeconds();

    Map<String, Object> resp = new LinkedHashMap<>();
    int status = r.statusCode();
    String finalUrl = r.uri().toString();
    resp.put("redirected", !finalUrl.equals(url));
    resp.put("url", finalUrl);
    Map<String, String> cookies = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> h : r.headers().map().entrySet()) {
      if (h.getKey().startsWith(":")) {
        continue;
      }
      String key = h.getKey().toLowerCase(Locale.ROOT).replace('-', '_');
      resp.put(key, String.join(", ", h.getValue()));
      if (key.equals("set_cookie")) {
        for (String c : h.getValue()) {
          for (HttpCookie cookie : HttpCookie.parse(c)) {
            cookies.put(cookie.getName(), cookie.getValue());
          }
        }
      }
    }
    // urllib raises on any answer it does not follow (3xx included), and Ansible's cookies come only without that.
    boolean error = status >= 300;
    if (!error) {
      resp.put("cookies_string", String.join("; ", cookies.entrySet().stream()
          .map(e -> e.getKey() + "=" + e.getValue()).toList()));
      resp.put("cookies", cookies);
    }
    resp.put("msg", error ? "HTTP Error " + status + ": " + reason(status)
        : "OK (" + r.headers().firstValue("content-length").orElse("unknown") + " bytes)");
    resp.put("status", status);
    resp.put("elapsed", elapsed);
    resp.put("changed", false);
    if (resp.containsKey("location")) {
      resp.put("location", URI.create(url).resolve(String.valueOf(resp.get("location"))).toString());
    }

    String contentType = r.headers().firstValue("content-type").orElse("application/octet-stream");
    String mime = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    String sub = mime.contains("/") ? mime.substring(mime.indexOf('/') + 1) : "";
    boolean maybeJson = JSON_CANDIDATES.contains(sub.contains("+") ? sub.substring(sub.indexOf('+') + 1) : sub);
    boolean returnContent = a.bool("return_content", false);
    Matcher cs = CHARSET.matcher(contentType);
    Charset charset = StandardCharsets.UTF_8;
    if (cs.find()) {
      try {
        charset = Charset.forName(cs.group(1));
      } catch (IllegalArgumentException ignored) {
        // An unknown charset reads as UTF-8, Ansible's default encoding.
      }
    }
    String content = new String(r.body(), charset);
    if (maybeJson) {
      try {
        resp.put("json", Lazy.JSON.readValue(content, Object.class));
      } catch (IOException ignored) {
        // Not JSON after all: Ansible then leaves json out too.
      }
    }

    Optional<String> dest = a.str("dest");
    if (dest.isPresent()) {
      Path target = Path.of(dest.get());
      if (Files.isDirectory(target)) {
        String name = Path.of(r.uri().getPath().isEmpty() ? "/" : r.uri().getPath()).getFileName() == null
            ? "index.html" : Path.of(r.uri().getPath()).getFileName().toString();
        target = target.resolve(name);
      }
      if (statusCodes.contains(status) && status != 304) {
        try {
          byte[] old = Files.isRegularFile(target) ? Files.readAllBytes(target) : null;
          if (old == null || !java.util.Arrays.equals(old, r.body())) {
            AtomicFiles.write(target, r.body());
          }
          // The module reports a change whenever it writes dest, same bytes or not.
          resp.put("changed", true);
        } catch (IOException e) {
          return Outcome.failed("Destination dir '" + target.getParent() + "' not writable: " + e.getMessage(), resp);
        }
      }
      resp.put("path", target.toString());
    }
    if (returnContent) {
      resp.put("content", content);
    } else if (error && !maybeJson && statusCodes.contains(status)) {
      // The module reads an accepted error's body only into fetch_url's info, which it then returns as is.
      resp.put("body", content);
    }
    if (!statusCodes.contains(status)) {
      resp.put("msg", "Status code was " + status + " and not " + statusCodes + ": " + resp.get("msg"));
      return Outcome.failed((String) resp.get("msg"), resp);
    }
    return Outcome.result((Boolean) resp.get("changed"), (String) resp.get("msg"), resp);
  }

  private static Outcome failed(String url, long start, String reason, List<Integer> statusCodes) {
    Map<String, Object> resp = new LinkedHashMap<>();
    resp.put("redirected", false);
    resp.put("url", url);
    resp.put("status", -1);
    resp.put("elapsed", (int) Duration.ofNanos(System.nanoTime() - start).toSeconds());
    resp.put("changed", false);
    String msg = "Status code was -1 and not " + statusCodes + ": " + reason;
    resp.put("msg", msg);
    return Outcome.failed(msg, resp);
  }

  private static String describe(IOException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return e instanceof java.net.ConnectException ? "[Errno 111] Connection refused" : m;
  }

  /** Python's urlencode(doseq=True) of a dict or a list of pairs, as the module's form_urlencoded. */
  private static String formUrlencoded(Args a, Object body) throws TaskException {
    List<Map.Entry<Object, Object>> pairs = new ArrayList<>();
    if (body instanceof Map<?, ?> m) {
      m.forEach((k, v) -> pairs.add(Map.entry(k, v == null ? "\0none" : v)));
    } else if (body instanceof List<?> l) {
      for (Object item : l) {
        if (!(item instanceof List<?> kv) || kv.size() != 2) {
          throw a.error("failed to parse body as form_urlencoded: a list body holds [key, value] pairs");
        }
        pairs.add(Map.entry(kv.get(0), kv.get(1) == null ? "\0none" : kv.get(1)));
      }
    } else {
      throw a.error("failed to parse body as form_urlencoded: cannot form-urlencode body, expect list or dict");
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<Object, Object> p : pairs) {
      List<?> values = p.getValue() instanceof List<?> l ? l : List.of(p.getValue());
      for (Object v : values) {
        if (v != null && !"\0none".equals(v)) {
          out.add(quotePlus(Py.str(p.getKey())) + "=" + quotePlus(Py.str(v)));
        }
      }
    }
    return String.join("&", out);
  }

  /** Python's quote_plus: URLEncoder's form encoding, except that '*' is quoted and '~' is not. */
  private static String quotePlus(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~");
  }

  /** The reason phrase Python's http.client gives a status ('' for one it is not listed with here). */
  public static String reason(int status) {
    return REASONS.getOrDefault(status, "");
  }

  /** TLS trust: the JDK's, a {@code ca_path} bundle's, or (validate_certs false) none checked. */
  public static SSLContext ssl(Args a) throws TaskException {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      if (!a.bool("validate_certs", true)) {
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        }}, null);
        return ctx;
      }
      Optional<String> caPath = a.str("ca_path");
      if (caPath.isEmpty()) {
        return SSLContext.getDefault();
      }
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      try (InputStream in = Files.newInputStream(Path.of(caPath.get()))) {
        int i = 0;
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          ks.setCertificateEntry("ca" + i++, c);
        }
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw a.error("ca_path: could not load " + a.str("ca_path", "") + ": " + e.getMessage());
    }
  }
}
