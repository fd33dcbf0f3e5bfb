package io.stateguard.certs;

import static io.stateguard.certs.CertificateIssuingTest.CLOCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubjectNamesTest {

  @Test
  void serviceNamesComeInOrderFromShortestToFullyQualified() {
    SubjectNames names = SubjectNames.forService("sg", "ops", List.of("127.0.0.1", "127.0.0.1"));

    assertThat(names.dnsNames())
        .containsExactly("sg", "sg.ops", "sg.ops.svc", "sg.ops.svc.cluster.local", "localhost");
    assertThat(names.ipAddresses())
        .as("duplicates dropped")
        .extracting(InetAddress::getHostAddress)
        .containsExactly("127.0.0.1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Webhook", "web_hook", "-webhook", "webhook-", "1webhook", "a.b", ""})
  void rejectsAServiceNameThatIsNotAnRfc1035Label(String service) {
    assertThatThrownBy(() -> SubjectNames.forService(service, "ops", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("service name")
        .hasMessageContaining("DNS label");
  }

  @Test
  void rejectsAServiceNameLongerThan63Characters() {
    assertThatThrownBy(() -> SubjectNames.forService("a".repeat(64), "ops", List.of()))
        .hasMessageContaining("at most 63");
    assertThat(SubjectNames.forService("a".repeat(63), "ops", List.of()).dnsNames()).hasSize(5);
  }

  @Test
  void acceptsANamespaceStartingWithADigitButNotAnUppercaseOne() {
    assertThat(SubjectNames.forService("sg", "1ops", List.of()).dnsNames()).contains("sg.1ops");
    assertThatThrownBy(() -> SubjectNames.forService("sg", "Ops", List.of()))
        .hasMessage(
            "namespace 'Ops' is not a valid DNS label: use at most 63 lowercase letters, digits"
                + " and '-', starting with a letter or digit and ending with a letter or digit");
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "10.255.0.1", "::1", "fd00::7", "::ffff:10.0.0.1"})
  void parsesIpLiterals(String ip) {
    assertThat(SubjectNames.parseIp(ip)).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "256.0.0.1",
        "10.0.0",
        "127.1",
        "localhost",
        "example.com",
        "1.2.3.4.5",
        "fd00:::g"
      })
  void rejectsWhatIsNotAnIpLiteralWithoutLookingItUp(String text) {
    assertThatThrownBy(() -> SubjectNames.parseIp(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "'"
                + text
                + "' is not an IP address: use an IPv4 (10.0.0.1) or IPv6 (fd00::1) literal");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "::1",
        "::",
        "fd00::7",
        "1::",
        "2001:db8::1:0:0:1",
        "2001:db8:0:1:1:1:1:1",
        "1:0:2::"
      })
  void writesIpv6InItsShortForm(String ip) {
    assertThat(SubjectNames.literal(SubjectNames.parseIp(ip))).isEqualTo(ip);
  }

  @Test
  void allListsDnsNamesThenShortIps() {
    SubjectNames names =
        new SubjectNames(List.of("a.b"), List.of(SubjectNames.parseIp("fd00:0:0::7")));

    assertThat(names.all()).containsExactly("a.b", "fd00::7");
  }

  @Test
  void lowercasesDnsNamesAndRejectsBadOnes() {
    assertThat(new SubjectNames(List.of("Example.COM"), List.of()).dnsNames())
        .containsExactly("example.com");
    assertThatThrownBy(() -> new SubjectNames(List.of("a..b"), List.of()))
        .hasMessageContaining("DNS name 'a..b' is not valid");
    assertThatThrownBy(() -> new SubjectNames(List.of(), List.of()))
        .hasMessageContaining("at least one name");
  }

  @Test
  void wildcardSanCoversOneLabelOnly() {
    CertificateAuthority ca = CertificateAuthority.generate(CLOCK);
    var cert =
        ca.issue(new SubjectNames(List.of("*.ops.svc"), List.of()), Duration.ofDays(1), CLOCK)
            .certificate();

    assertThat(new SubjectNames(List.of("sg.ops.svc"), List.of()).missingFrom(cert)).isEmpty();
    assertThat(new SubjectNames(List.of("a.sg.ops.svc", "ops.svc"), List.of()).missingFrom(cert))
        .containsExactly("a.sg.ops.svc", "ops.svc");
  }
}
