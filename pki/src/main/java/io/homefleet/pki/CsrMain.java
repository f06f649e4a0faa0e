package io.homefleet.pki;

import java.io.DataInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;

/**
 * The child process of {@link CsrBuilder.Child}: reads a common name and a P-256 key pair from
 * standard input ({@link CsrBuilder.Child#writeRequest}), writes the DER of its CSR to standard
 * output and exits 0; an error goes to standard error with a non-zero exit.
 */
public final class CsrMain {
  private CsrMain() {}

  public static void main(String[] args) throws IOException, GeneralSecurityException {
    DataInputStream in = new DataInputStream(System.in);
    String commonName = in.readUTF();
    byte[] publicDer = in.readNBytes(in.readInt());
    byte[] privateDer = in.readNBytes(in.readInt());
    KeyFactory ec = KeyFactory.getInstance("EC");
    KeyPair keys = new KeyPair(ec.generatePublic(new X509EncodedKeySpec(publicDer)),
        ec.generatePrivate(new PKCS8EncodedKeySpec(privateDer)));
    System.out.write(Csr.create(keys, commonName));
    System.out.flush();
  }
}
