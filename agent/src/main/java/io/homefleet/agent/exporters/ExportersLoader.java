package io.homefleet.agent.exporters;

import io.homefleet.agent.config.AgentConfig;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.UndeclaredThrowableException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads the agent's exporters only when agent.yaml asks for them. Micrometer and the Prometheus
 * client (12 jars) are not on the agent's class path: the JVM keeps the central directory of
 * every jar on its class path on the heap for good (~0.3 MB for these), and most agents export
 * nothing of their own (the session telemetry the controller shows needs none of it). They ship
 * in {@code lib/telemetry/} beside the agent's other jars (agent/pom.xml); an agent whose config
 * has a {@code telemetry:} section loads them there, together with its own
 * {@code io.homefleet.agent.telemetry} package, in a class loader of their own that delegates
 * everything else to the agent's.
 */
public final class ExportersLoader {
  /** The package loaded in the exporters' loader (child first): the Micrometer-based code. */
  static final String TELEMETRY_PACKAGE = "io.homefleet.agent.telemetry.";
  /** The implementation's class, by name: naming it as a class literal would load it here. */
  private static final String TELEMETRY_CLASS = TELEMETRY_PACKAGE + "Telemetry";

  private ExportersLoader() {}

  /**
   * The exporters for {@code config} (whose telemetry section must be enabled): built directly
   * when Micrometer is on this class path (tests, a development class path), else from the jars
   * in {@code lib/telemetry/} beside the agent's jar.
   */
  public static Exporters load(AgentConfig config, String version) {
    ClassLoader own = ExportersLoader.class.getClassLoader();
    if (own.getResource("io/micrometer/core/instrument/MeterRegistry.class") != null) {
      // By name here too, so this package does not depend on the implementation's.
      return create(own, config, version, "the agent's class path");
    }
    Path agentJar = agentJar();
    return load(config, version, agentJar, agentJar.toAbsolutePath().getParent().resolve("lib").resolve("telemetry"));
  }

  /** The exporters built in a loader over {@code agentJar} and every jar in {@code jarDir}. */
  static Exporters load(AgentConfig config, String version, Path agentJar, Path jarDir) {
    List<URL> urls = new ArrayList<>();
    try (Stream<Path> files = Files.list(jarDir)) {
      urls.add(agentJar.toUri().toURL());
      for (Path jar : files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList()) {
        urls.add(jar.toUri().toURL());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list the telemetry jars in " + jarDir + " (" + e + "): " + config.source()
          + " has a 'telemetry:' section, which needs them; reinstall the agent with its whole lib/ directory,"
          + " or remove the section", e);
    }
    // Never closed: the exporters live as long as the agent.
    URLClassLoader loader = new TelemetryClassLoader(urls.toArray(URL[]::new), ExportersLoader.class.getClassLoader());
    return create(loader, config, version, urls.toString());
  }

  private static Exporters create(ClassLoader loader, AgentConfig config, String version, String from) {
    try {
      Class<?> impl = Class.forName(TELEMETRY_CLASS, true, loader);
      MethodHandle create = MethodHandles.publicLookup().findStatic(impl, "create",
          MethodType.methodType(impl, AgentConfig.class, String.class));
      return (Exporters) create.invoke(config, version);
    } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException | LinkageError e) {
      throw new IllegalStateException("cannot load the telemetry code from " + from + ": " + e + " (" + config.source()
          + " has a 'telemetry:' section; the agent's lib/telemetry/ must hold Micrometer's and the Prometheus"
          + " client's jars: reinstall the agent with its whole lib/ directory)", e);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new UndeclaredThrowableException(e);
    }
  }

  private static Path agentJar() {
    CodeSource source = ExportersLoader.class.getProtectionDomain().getCodeSource();
    try {
      return Path.of(source.getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      throw new IllegalStateException("cannot find the agent's jar (" + (source == null ? null : source.getLocation())
          + ") to load its telemetry jars from: " + e, e);
    }
  }

  /** Child first for {@link #TELEMETRY_PACKAGE}, parent first for everything else. */
  private static final class TelemetryClassLoader extends URLClassLoader {
    static {
      registerAsParallelCapable();
    }

    TelemetryClassLoader(URL[] urls, ClassLoader parent) {
      super("homefleet-telemetry", urls, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith(TELEMETRY_PACKAGE)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          c = findClass(name);
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }
  }
}
