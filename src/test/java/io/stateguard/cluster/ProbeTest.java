package io.stateguard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ProbeTest {

  @Test
  void anAnswerThatTookTooLongIsOnlySlow() {
    // Given the failures of a probe the server accepted but did not answer in time
    Throwable requestTimeout =
        new CompletionException(new HttpTimeoutException("request timed out"));
    Throwable ourTimeout = new CompletionException(new TimeoutException());

    // Then they prove nothing about the watches
    assertThat(Probe.slow(requestTimeout)).isTrue();
    assertThat(Probe.slow(ourTimeout)).isTrue();
  }

  @Test
  void aConnectionThatCannotBeMadeIsNotSlow() {
    // Given the failures of a probe that found no connection to the server
    Throwable refused = new CompletionException(new ConnectException("Connection refused"));
    Throwable connectTimeout =
        new CompletionException(new HttpConnectTimeoutException("HTTP connect timed out"));
    Throwable reset = new IOException("Connection reset");

    // Then each is an outage: the watches on that server are down as well
    assertThat(Probe.slow(refused)).isFalse();
    assertThat(Probe.slow(connectTimeout)).isFalse();
    assertThat(Probe.slow(reset)).isFalse();
  }
}
