package io.homefleet.pki;

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
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Builds the agent's CSRs ({@link Csr#create}) without keeping Bouncy Castle on the agent's class
 * path. An agent builds a CSR once at enrollment and once per renewal; the rest of the time Bouncy
 * Castle's three jars would only cost memory (the JVM keeps the central directory of every jar on
 * the class path on its heap, ~0.9 MB for these three). So the agent's jar leaves them out of its
 * {@code Class-Path}, they ship beside the others in {@code lib/}, and {@link Isolated} loads
 * {@link Csr} and Bouncy Castle in a class loader of their own for each CSR, closed afterwards.
 * Only JDK types ({@link KeyPair}, {@code String}, {@code byte[]}) cross between the loaders.
 */
public sealed interface CsrBuilder permits CsrBuilder.InProcess, CsrBuilder.Isolated {
  /** The jar names (prefixes) that Bouncy Castle's CSR code needs: provider, PKIX, utilities. */
  List<String> BOUNCY_CASTLE_JARS = List.of("bcprov-", "bcpkix-", "bcutil-");

  /** A DER-encoded CSR for {@code keys} with the common name {@code commonName}. */
  byte[] create(KeyPair keys, String commonName) throws PkiException;

  /**
   * The builder for this JVM: {@link InProcess} when Bouncy Castle is on this class path (tests,
   * the controller), else {@link Isolated} over this module's jar and the Bouncy Castle jars in the
   * same directory (the agent's {@code lib/}).
   */
  static CsrBuilder forThisJvm() throws PkiException {
    ClassLoader own = CsrBuilder.class.getClassLoader();
    if (own.getResource("org/bouncycastle/pkcs/PKCS10CertificationRequest.class") != null) {
      return new InProcess();
    }
    CodeSource source = CsrBuilder.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      throw new PkiException("Bouncy Castle is not on the class path and the location of the pki classes is unknown:"
          + " put bcprov, bcpkix and bcutil on the class path");
    }
    Path pki;
    try {
      pki = Path.of(source.getLocation().toURI());
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new PkiException("cannot read the location of the pki classes (" + source.getLocation() + "): " + e.getMessage());
    }
    return Isolated.beside(pki);
  }

  /** Bouncy Castle is on this class path: {@link Csr#create} directly. */
  record InProcess() implements CsrBuilder {
    @Override
    public byte[] create(KeyPair keys, String commonName) {
      return Csr.create(keys, commonName);
    }
  }

  /**
   * {@link Csr} and Bouncy Castle loaded from {@code classPath} (the pki jar or class directory,
   * and the Bouncy Castle jars) in a new class loader whose parent is the JDK's platform loader,
   * so nothing of the caller's class path is seen or shared.
   */
  record Isolated(List<Path> classPath) implements CsrBuilder {
    public Isolated {
      classPath = List.copyOf(classPath);
    }

    /** The pki jar at {@code pkiJar} and the Bouncy Castle jars in its directory. */
    public static Isolated beside(Path pkiJar) throws PkiException {
      Path dir = pkiJar.toAbsolutePath().getParent();
      List<Path> path = new ArrayList<>();
      path.add(pkiJar);
      for (String prefix : BOUNCY_CASTLE_JARS) {
        try (Stream<Path> files = Files.list(dir)) {
          Path jar = files.filter(f -> f.getFileName().toString().startsWith(prefix)
                  && f.getFileName().toString().endsWith(".jar"))
              .sorted().reduce((a, b) -> b)
              .orElseThrow(() -> new PkiException("Bouncy Castle's " + prefix + "*.jar is missing from " + dir
                  + " (beside " + pkiJar.getFileName() + "): the agent builds its CSRs with it; reinstall the agent"
                  + " with its whole lib/ directory"));
          path.add(jar);
        } catch (IOException e) {
          throw new PkiException("cannot list " + dir + " for Bouncy Castle's jars: " + e.getMessage());
        }
      }
      return new Isolated(path);
    }

    @Override
    public byte[] create(KeyPair keys, String commonName) throws PkiException {
      URL[] urls = new URL[classPath.size()];
      for (int i = 0; i < urls.length; i++) {
        try {
          urls[i] = classPath.get(i).toUri().toURL();
        } catch (MalformedURLException e) {
          throw new PkiException("cannot use " + classPath.get(i) + " as a class path entry: " + e.getMessage());
        }
      }
      try (URLClassLoader loader = new URLClassLoader("homefleet-csr", urls, ClassLoader.getPlatformClassLoader())) {
        MethodHandle create = MethodHandles.publicLookup().findStatic(
            Class.forName(Csr.class.getName(), true, loader), "create",
            MethodType.methodType(byte[].class, KeyPair.class, String.class));
        return (byte[]) create.invoke(keys, commonName);
      } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException | LinkageError e) {
        throw new PkiException("cannot load the CSR code from " + classPath + ": " + e
            + " (the agent's lib/ must hold the pki jar and Bouncy Castle's bcprov, bcpkix and bcutil jars)");
      } catch (IOException e) {
        throw new PkiException("cannot close the CSR class loader over " + classPath + ": " + e.getMessage());
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new UndeclaredThrowableException(e);
      }
    }
  }
}
