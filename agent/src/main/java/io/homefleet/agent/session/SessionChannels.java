package io.homefleet.agent.session;

import io.grpc.ManagedChannel;
import io.homefleet.pki.KeyMaterial;
import io.homefleet.pki.PkiException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;

/**
 * Opens the channel of one session for the stored identity: {@link Channels#session} (mTLS to the
 * controller) in the agent, an in-process channel in {@code SessionClientTest}.
 */
@FunctionalInterface
public interface SessionChannels {
  ManagedChannel open(KeyMaterial identity, X509Certificate ca) throws SSLException, PkiException;
}
