package io.stateguard.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.stateguard.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The self-managed certificate keeper against the mock API server in CRUD mode, time moved by hand:
 * the Secret is created once and shared, renewals reach every replica's files, and the caBundle of
 * both webhook configurations always trusts what the replicas serve.
 */
@EnableKubernetesMockClient(crud = true)
class SelfManagedCertificatesIT {

  static final String NAMESPACE = "guard-system";
  static final String SECRET = "sg-stateguard-tls";
  static final String WEBHOOKS = "sg-stateguard";
  static final Duration VALIDITY = Duration.ofDays(90);
  static final Duration CA_VALIDITY = Duration.ofDays(3650);

  KubernetesClient client;
  KubernetesMockServer server;

  @TempDir Path work;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T10:00:00Z"));

  @BeforeEach
  void installWebhookConfigurations() {
    createWebhookConfigurations(client);
  }

  static void createWebhookConfigurations(KubernetesClient client) {
    client
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .resource(
            new ValidatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName(WEBHOOKS)
                .endMetadata()
                .addNewWebhook()
                .withName("validate.stateguard.io")
                .withNewClientConfig()
                .withNewService()
                .withName("sg-stateguard")
                .withNamespace(NAMESPACE)
                .withPath("/validate")
                .endService()
                .endClientConfig()
                .withAdmissionReviewVersions("v1")
                .withSideEffects("None")
                .endWebhook()
                .addNewWebhook()
                .withName("pod-delete.stateguard.io")
                .withNewClientConfig()
                .withNewService()
                .withName("sg-stateguard")
                .withNamespace(NAMESPACE)
                .withPath("/validate")
                .endService()
                .endClientConfig()
                .withAdmissionReviewVersions("v1")
                .withSideEffects("NoneOnDryRun")
                .endWebhook()
                .build())
        .create();
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .resource(
            new MutatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName(WEBHOOKS)
                .endMetadata()
                .addNewWebhook()
                .withName("mutate.stateguard.io")
                .withNewClientConfig()
                .withNewService()
                .withName("sg-stateguard")
                .withNamespace(NAMESPACE)
                .withPath("/mutate")
                .endService()
                .endClientConfig()
                .withAdmissionReviewVersions("v1")
                .withSideEffects("None")
                .endWebhook()
                .build())
        .create();
  }

  static SelfManagedCertificates.Settings settings(Path dir) {
    return new SelfManagedCertificates.Settings(
        NAMESPACE,
        SECRET,
        SubjectNames.forService("sg-stateguard", NAMESPACE, List.of("127.0.0.1")),
        WEBHOOKS,
        Optional.of(WEBHOOKS),
        dir,
        VALIDITY,
        Optional.empty(),
        CA_VALIDITY);
  }

  private SelfManagedCertificates replica(String name) {
    return new SelfManagedCertificates(client, settings(work.resolve(name)), clock);
  }

  @Test
  void firstStartCreatesTheSecretAndSetsTheCaBundleOfBothWebhookConfigurations() throws Exception {
    // When
    TlsMaterial serving = replica("a").ensure();

    // Then the Secret is a TLS Secret with the CA, and the files are its serving pair
    Secret secret = secret();
    assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(secret.getData()).containsKeys("tls.crt", "tls.key", "ca.crt", "ca.key");
    assertThat(decode(secret.getData().get("tls.crt"))).isEqualTo(serving.chainPem());
    assertThat(Files.readString(work.resolve("a/tls.crt"))).isEqualTo(serving.chainPem());
    assertThat(Files.readString(work.resolve("a/tls.key"))).isEqualTo(serving.privateKeyPem());
    assertThat(serving.certificate().getSubjectX500Principal().getName())
        .isEqualTo("CN=sg-stateguard.guard-system.svc");
    // and every webhook of both configurations trusts the serving certificate
    assertThat(caBundles()).hasSize(3).containsOnly(secret.getData().get("ca.crt"));
    assertThat(trusts(caBundles().get(0), serving.certificate(), clock)).isTrue();
  }

  @Test
  void secondStartReusesTheSecretAndItsCa() throws Exception {
    // Given
    TlsMaterial first = replica("a").ensure();
    String version = secret().getMetadata().getResourceVersion();

    // When
    TlsMaterial second = replica("b").ensure();

    // Then
    assertThat(second.caCertificate()).isEqualTo(first.caCertificate());
    assertThat(second.certificate()).isEqualTo(first.certificate());
    assertThat(secret().getMetadata().getResourceVersion())
        .as("nothing to write on a second start")
        .isEqualTo(version);
    assertThat(Files.readString(work.resolve("b/tls.crt")))
        .isEqualTo(Files.readString(work.resolve("a/tls.crt")));
  }

  @Test
  void aReplicaThatLosesTheRaceToCreateTheSecretUsesTheWinnersCa() throws Exception {
    // Given replica b creates the Secret after a has found none, before a creates it
    SelfManagedCertificates b = replica("b");
    AtomicBoolean once = new AtomicBoolean();
    SelfManagedCertificates a =
        new SelfManagedCertificates(
            client,
            settings(work.resolve("a")),
            clock,
            () -> {
              if (once.compareAndSet(false, true)) {
                b.check();
              }
            });

    // When
    TlsMaterial lost = a.ensure();

    // Then a's create met 409 AlreadyExists, and a serves b's certificate from b's CA
    assertThat(once).isTrue();
    TlsMaterial won = CertificateFiles.read(work.resolve("b"));
    assertThat(lost.caCertificate()).isEqualTo(won.caCertificate());
    assertThat(lost.certificate()).isEqualTo(won.certificate());
    assertThat(decode(secret().getData().get("ca.crt"))).isEqualTo(won.caPem());
  }

  @Test
  void replicasStartingTogetherEndUpWithOneCa() throws Exception {
    // Given four replicas released at the same moment
    int replicas = 4;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(replicas);
    try {
      List<Future<TlsMaterial>> started = new ArrayList<>();
      for (int i = 0; i < replicas; i++) {
        SelfManagedCertificates replica = replica("r" + i);
        Callable<TlsMaterial> start =
            () -> {
              go.await();
              return replica.ensure();
            };
        started.add(pool.submit(start));
      }

      // When
      go.countDown();
      Set<X509Certificate> cas = new HashSet<>();
      for (Future<TlsMaterial> f : started) {
        cas.add(f.get().caCertificate());
      }

      // Then
      assertThat(cas).hasSize(1);
      assertThat(trusts(caBundles().get(0), cas.iterator().next(), clock)).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void renewsTheServingCertificateNearExpiryWithTheSameCa() throws Exception {
    // Given
    SelfManagedCertificates keeper = replica("a");
    TlsMaterial first = keeper.ensure();
    List<String> bundles = caBundles();

    // When less than a third of its validity is left
    clock.advance(VALIDITY.minus(VALIDITY.dividedBy(3)).plusHours(1));
    keeper.check();

    // Then a new serving certificate is in the files, and the caBundle, unchanged, trusts it
    TlsMaterial renewed = CertificateFiles.read(work.resolve("a"));
    assertThat(renewed.certificate()).isNotEqualTo(first.certificate());
    assertThat(renewed.caCertificate()).isEqualTo(first.caCertificate());
    assertThat(renewed.certificate().getNotAfter().toInstant())
        .isAfter(clock.instant().plus(VALIDITY).minusSeconds(60));
    assertThat(caBundles()).isEqualTo(bundles);
    assertThat(trusts(bundles.get(0), renewed.certificate(), clock)).isTrue();
  }

  @Test
  void aReplicaPicksUpTheSecretRenewedByAnother() throws Exception {
    // Given two replicas serving the same certificate
    SelfManagedCertificates a = replica("a");
    SelfManagedCertificates b = replica("b");
    a.ensure();
    b.ensure();
    clock.advance(Duration.ofDays(70));
    a.check();
    TlsMaterial renewedByA = CertificateFiles.read(work.resolve("a"));

    // When b checks
    b.check();

    // Then b serves a's renewed certificate, without renewing again
    assertThat(CertificateFiles.read(work.resolve("b")).certificate())
        .isEqualTo(renewedByA.certificate());
    assertThat(decode(secret().getData().get("tls.crt"))).isEqualTo(renewedByA.chainPem());
  }

  @Test
  void aReplicaWhoseRenewalConflictsTakesTheOtherReplicasRenewal() throws Exception {
    // Given both replicas find renewal due; b writes between a's read and a's update
    SelfManagedCertificates b = replica("b");
    AtomicBoolean once = new AtomicBoolean();
    SelfManagedCertificates a =
        new SelfManagedCertificates(
            client,
            settings(work.resolve("a")),
            clock,
            () -> {
              if (once.compareAndSet(false, true)) {
                b.check();
              }
            });
    a.ensure();
    clock.advance(Duration.ofDays(70));
    once.set(false);

    // When
    a.check();

    // Then a's update met a conflict and a serves b's renewal
    TlsMaterial fromB = CertificateFiles.read(work.resolve("b"));
    assertThat(CertificateFiles.read(work.resolve("a")).certificate())
        .isEqualTo(fromB.certificate());
    assertThat(decode(secret().getData().get("tls.crt"))).isEqualTo(fromB.chainPem());
  }

  @Test
  void rotatesTheCaWithTheNewCaTrustedBeforeItSignsAndTheOldUntilItExpires() throws Exception {
    // Given
    SelfManagedCertificates keeper = replica("a");
    TlsMaterial first = keeper.ensure();
    X509Certificate oldCa = first.caCertificate();

    // When the CA has less than two serving validities left: announced
    clock.advance(CA_VALIDITY.minus(VALIDITY.multipliedBy(2)).plusDays(1));
    keeper.check();

    // Then the bundle holds both CAs and the serving certificate still comes from the old one
    List<X509Certificate> announced = bundle(caBundles().get(0));
    assertThat(announced).hasSize(2).contains(oldCa);
    X509Certificate nextCa = announced.get(1);
    TlsMaterial stillOld = servingIn(work.resolve("a"));
    assertThat(stillOld.caCertificate()).isEqualTo(oldCa);

    // When the serving certificate is renewed once more while the old CA has more than one
    // validity left, then the CA has less than one validity left: promoted (the bundle was
    // published)
    clock.advance(Duration.ofDays(80));
    keeper.check();
    TlsMaterial lastFromOld = servingIn(work.resolve("a"));
    assertThat(lastFromOld.caCertificate()).isEqualTo(oldCa);
    assertThat(lastFromOld.certificate()).isNotEqualTo(stillOld.certificate());
    clock.advance(Duration.ofDays(11));
    keeper.check();

    // Then the new CA signs, and both stay trusted: replicas may still serve the old CA's cert
    TlsMaterial promoted = servingIn(work.resolve("a"));
    assertThat(promoted.certificate().getIssuerX500Principal())
        .isEqualTo(nextCa.getSubjectX500Principal());
    assertThat(bundle(caBundles().get(0))).containsExactly(oldCa, nextCa);
    assertThat(trusts(caBundles().get(0), promoted.certificate(), clock)).isTrue();
    assertThat(trusts(caBundles().get(0), lastFromOld.certificate(), clock)).isTrue();

    // When the old CA has expired: retired
    clock.advance(VALIDITY);
    keeper.check();

    // Then
    assertThat(bundle(caBundles().get(0))).containsExactly(nextCa);
    assertThat(caBundles()).containsOnly(caBundles().get(0));
  }

  @Test
  void aMissingWebhookConfigurationDoesNotStopTheStartAndGetsItsCaBundleWhenItAppears()
      throws Exception {
    // Given the configurations are not installed yet
    client
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .withName(WEBHOOKS)
        .delete();
    client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(WEBHOOKS).delete();
    SelfManagedCertificates keeper = replica("a");

    // When
    TlsMaterial serving = keeper.ensure();
    createWebhookConfigurations(client);
    keeper.check();

    // Then
    assertThat(Files.exists(work.resolve("a/tls.crt"))).isTrue();
    assertThat(caBundles()).hasSize(3);
    assertThat(trusts(caBundles().get(0), serving.certificate(), clock)).isTrue();
  }

  @Test
  void refusedSecretCreationNamesTheSecretTheNamespaceAndTheVerb() {
    // Given an API server that forbids creating Secrets
    server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/" + NAMESPACE + "/secrets")
        .andReturn(
            403,
            new StatusBuilder()
                .withStatus("Failure")
                .withReason("Forbidden")
                .withCode(403)
                .withMessage(
                    "secrets is forbidden: User \"system:serviceaccount:guard-system:sg\" cannot"
                        + " create resource \"secrets\"")
                .build())
        .always();

    // When / Then
    assertThatThrownBy(() -> replica("a").ensure())
        .isInstanceOf(SelfManagedCertificates.SetupException.class)
        .hasMessageContaining("cannot create secret guard-system/sg-stateguard-tls: forbidden")
        .hasMessageContaining("needs the verb 'create' on secrets in namespace guard-system");
    assertThat(Files.exists(work.resolve("a/tls.crt"))).isFalse();
  }

  @Test
  void aForbiddenPatchIsRetriedAndHoldsBackCaPromotion() throws Exception {
    // Given a Secret whose next CA is announced, and an API server that now refuses patches
    SelfManagedCertificates keeper = replica("a");
    TlsMaterial first = keeper.ensure();
    clock.advance(CA_VALIDITY.minus(VALIDITY.multipliedBy(2)).plusDays(1));
    server
        .expect()
        .patch()
        .withPath(
            "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/" + WEBHOOKS)
        .andReturn(403, new StatusBuilder().withCode(403).withMessage("forbidden").build())
        .always();
    keeper.check();
    assertThat(bundle(secret().getData().get("ca.crt"))).hasSize(2);

    // When promotion is due
    clock.advance(VALIDITY.plusDays(1));
    keeper.check();

    // Then the old CA still signs: the API server may not trust the next one yet
    assertThat(servingIn(work.resolve("a")).caCertificate()).isEqualTo(first.caCertificate());
  }

  private Secret secret() {
    return client.secrets().inNamespace(NAMESPACE).withName(SECRET).get();
  }

  /** The caBundle of every webhook: validating ones first, then mutating. */
  private List<String> caBundles() {
    List<String> bundles = new ArrayList<>();
    ValidatingWebhookConfiguration v =
        client
            .admissionRegistration()
            .v1()
            .validatingWebhookConfigurations()
            .withName(WEBHOOKS)
            .get();
    v.getWebhooks().forEach(w -> bundles.add(w.getClientConfig().getCaBundle()));
    MutatingWebhookConfiguration m =
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName(WEBHOOKS)
            .get();
    m.getWebhooks().forEach(w -> bundles.add(w.getClientConfig().getCaBundle()));
    return bundles;
  }

  /** The serving pair in {@code dir}, its CA taken from its issuer (the bundle has several). */
  private static TlsMaterial servingIn(Path dir) throws Exception {
    List<X509Certificate> cas =
        Pem.readCertificates(Files.readString(dir.resolve("ca.crt")), "ca.crt");
    List<X509Certificate> chain =
        Pem.readCertificates(Files.readString(dir.resolve("tls.crt")), "tls.crt");
    X509Certificate issuer =
        cas.stream()
            .filter(c -> c.getSubjectX500Principal().equals(chain.get(0).getIssuerX500Principal()))
            .findFirst()
            .orElseThrow();
    return new TlsMaterial(
        issuer, chain, Pem.readPrivateKey(Files.readString(dir.resolve("tls.key")), "tls.key"));
  }

  static String decode(String base64) {
    return new String(
        Base64.getDecoder().decode(base64), java.nio.charset.StandardCharsets.US_ASCII);
  }

  static List<X509Certificate> bundle(String caBundle) throws Exception {
    List<X509Certificate> out = new ArrayList<>();
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    factory
        .generateCertificates(new ByteArrayInputStream(Base64.getDecoder().decode(caBundle)))
        .forEach(c -> out.add((X509Certificate) c));
    return out;
  }

  /**
   * Whether a client trusting only {@code caBundle} accepts {@code certificate} at the clock's now.
   */
  static boolean trusts(String caBundle, X509Certificate certificate, Clock clock)
      throws Exception {
    Set<TrustAnchor> anchors = new HashSet<>();
    for (X509Certificate ca : bundle(caBundle)) {
      anchors.add(new TrustAnchor(ca, null));
    }
    PKIXParameters parameters = new PKIXParameters(anchors);
    parameters.setRevocationEnabled(false);
    parameters.setDate(Date.from(clock.instant()));
    try {
      CertPathValidator.getInstance("PKIX")
          .validate(
              CertificateFactory.getInstance("X.509").generateCertPath(List.of(certificate)),
              parameters);
      return true;
    } catch (java.security.cert.CertPathValidatorException e) {
      return false;
    }
  }
}
