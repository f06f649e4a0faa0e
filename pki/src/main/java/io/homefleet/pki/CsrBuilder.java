package io.homefleet.pki;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds the agent's CSRs ({@link Csr#create}) without keeping Bouncy Castle on the agent's class
 * path. An agent builds a CSR once at enrollment and once per renewal; the rest of the time Bouncy
 * Castle's three jars would only cost memory (the JVM keeps the central directory of every jar on
 * the class path on its heap, ~0.9 MB for these three). So the agent's jar leaves them out of its
 * {@code Class-Path}, they ship beside the others in {@code lib/}, and {@link Child} builds each
 * CSR with {@link Csr} and Bouncy Castle in a child JVM over those jars.
 */
public sealed interface CsrBuilder permits CsrBuilder.InProcess, CsrBuilder.Child {
  /** The jar names (prefixes) that Bouncy Castle's CSR code needs: provider, PKIX, utilities. */
  List<String> BOUNCY_CASTLE_JARS = List.of("bcprov-", "bcpkix-", "bcutil-");

  /** A DER-encoded CSR for {@code keys} with the common name {@code commonName}. */
  byte[] create(KeyPair keys, String commonName) throws PkiException;

  /**
   * The builder for this JVM: {@link InProcess} when Bouncy Castle is on this class path (tests,
   * the controller), else {@link Child} over this module's jar and the Bouncy Castle jars in the
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
    return Child.beside(pki);
  }

  /** Bouncy Castle is on this class path: {@link Csr#create} directly. */
  record InProcess() implements CsrBuilder {
    @Override
    public byte[] create(KeyPair keys, String commonName) {
      return Csr.create(keys, commonName);
    }
  }

  /**
   * {@link Csr} and Bouncy Castle in a child JVM ({@link CsrMain}) over {@code classPath} (the pki
   * jar or class directory, and the Bouncy Castle jars): none of Bouncy Castle's classes, nor the
   * code compiled for them, ever enter the agent's process. A class loader of their own, unloaded
   * after each CSR, still left ~1.4 MB of metaspace and code in an agent that had enrolled in the
   * same process (bench/HISTORY.md, "The play worker"). The key pair goes to the child over its
   * standard input, a pipe between two processes of the agent's user; the CSR comes back on its
   * standard output.
   */
  record Child(List<Path> classPath) implements CsrBuilder {
    private static final long TIMEOUT_SECONDS = 60;

    public Child {
      classPath = List.copyOf(classPath);
    }

    /** The pki jar at {@code pkiJar} and the Bouncy Castle jars in its directory. */
    public static Child beside(Path pkiJar) throws PkiException {
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
      return new Child(path);
    }

    @Override
    public byte[] create(KeyPair keys, String commonName) throws PkiException {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xshare:auto", "-cp"));
      cmd.add(String.join(java.io.File.pathSeparator, classPath.stream().map(Path::toString).toList()));
      cmd.add(CsrMain.class.getName());
      String where = " (the agent's lib/ must hold the pki jar and Bouncy Castle's bcprov, bcpkix and bcutil jars)";
      Process p;
      try {
        p = new ProcessBuilder(cmd).start();
      } catch (IOException e) {
        throw new PkiException("cannot start the CSR process (" + cmd.get(0) + "): " + e.getMessage());
      }
      try {
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        try (DataOutputStream in = new DataOutputStream(p.getOutputStream())) {
          writeRequest(in, keys, commonName);
        }
        byte[] der = p.getInputStream().readAllBytes();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          throw new PkiException("the CSR process did not finish in " + TIMEOUT_SECONDS + " s");
        }
        if (p.exitValue() != 0) {
          throw new PkiException("cannot build the CSR: the CSR process over " + classPath + " exited "
              + p.exitValue() + ": " + new String(err.join(), StandardCharsets.UTF_8).strip() + where);
        }
        return der;
      } catch (IOException e) {
        throw new PkiException("cannot talk to the CSR process over " + classPath + ": " + e.getMessage() + where);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PkiException("interrupted while building the CSR");
      } finally {
        p.destroyForcibly();
      }
    }

    /** What {@link CsrMain} reads: the common name, then the public (X.509) and private (PKCS#8) key's DER. */
    static void writeRequest(DataOutputStream out, KeyPair keys, String commonName) throws IOException {
      out.writeUTF(commonName);
      byte[] pub = keys.getPublic().getEncoded();
      byte[] priv = keys.getPrivate().getEncoded();
      out.writeInt(pub.length);
      out.write(pub);
      out.writeInt(priv.length);
      out.write(priv);
    }

    private static byte[] readAll(InputStream in) {
      try {
        return in.readAllBytes();
      } catch (IOException e) {
        return new byte[0];
      }
    }
  }
}
