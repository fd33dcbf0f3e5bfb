package io.stateguard.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.JsonPatch;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Policy;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.PolicySet;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link AdmissionHandler#processReview} and {@link AdmissionHandler#answer} on the API server's
 * own bodies, under the test policies, without a server.
 */
class ProcessReviewTest {

  private static final Pattern RULE_ID = Pattern.compile("\\[([a-z0-9-]+)]");
  private static final ObjectMapper JSON = new ObjectMapper();

  private SimpleMeterRegistry registry;
  private AdmissionHandler validate;
  private AdmissionHandler mutate;

  @BeforeEach
  void setUp() throws Exception {
    registry = new SimpleMeterRegistry();
    WebhookMetrics metrics = new WebhookMetrics(registry);
    LivePolicies policies = ApiServerFixtures.livePolicies();
    validate =
        new AdmissionHandler(
            Endpoint.VALIDATE, policies, ApiServerFixtures.cluster(), metrics, null);
    mutate =
        new AdmissionHandler(Endpoint.MUTATE, policies, ApiServerFixtures.cluster(), metrics, null);
  }

  static List<String> fixtures() {
    return ApiServerFixtures.names();
  }

  @Test
  void everyFixtureHasAnExpectedAnswer() {
    assertThat(ApiServerFixtures.EXPECTED.keySet())
        .as("expected answers, one for each AdmissionReview body in the fixtures folder")
        .containsExactlyInAnyOrderElementsOf(ApiServerFixtures.names());
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void answersEachApiServerFixtureAsExpected(String name) throws Exception {
    ApiServerFixtures.Expected expected = ApiServerFixtures.EXPECTED.get(name);

    AdmissionResponse response = validate.processReview(decode(name)).getResponse();

    assertThat(response.getUid()).isEqualTo(ApiServerFixtures.uid(name));
    assertThat(response.getAllowed()).as("allowed").isEqualTo(expected.allowed());
    if (expected.allowed()) {
      assertThat(response.getStatus()).isNull();
    } else {
      assertThat(response.getStatus().getCode()).isEqualTo(403);
      assertThat(ruleIds(response.getStatus().getMessage()))
          .as("rules named in the denial: %s", response.getStatus().getMessage())
          .isEqualTo(expected.denying());
    }
    List<String> warnings = response.getWarnings() == null ? List.of() : response.getWarnings();
    assertThat(ruleIds(String.join("\n", warnings)))
        .as("rules named in the warnings: %s", warnings)
        .isEqualTo(expected.warning());
    assertThat(response.getPatch()).isNull();
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void countsEachReviewWithItsDecision(String name) throws Exception {
    ApiServerFixtures.Expected expected = ApiServerFixtures.EXPECTED.get(name);

    validate.processReview(decode(name));

    String decision =
        !expected.covered()
            ? AdmissionHandler.NOT_COVERED
            : expected.allowed() ? AdmissionHandler.ALLOWED : AdmissionHandler.DENIED;
    String kind = ApiServerFixtures.tree(name).path("request").path("kind").path("kind").asText();
    assertThat(
            registry
                .get("stateguard_admission_reviews_total")
                .tags("endpoint", "validate", "kind", kind, "decision", decision)
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void denialListsEveryEnforcedFindingWithItsMessageAndPolicy() throws Exception {
    AdmissionResponse response =
        validate.processReview(decode("statefulset-create-denied.json")).getResponse();

    String message = response.getStatus().getMessage();
    assertThat(message)
        .startsWith("stateguard: 2 findings deny this request:\n- [")
        .contains("statefulset demo/web-denied")
        .contains("(enforced by policy demo-strict)");
    assertThat(message.lines().skip(1)).hasSize(2).allMatch(l -> l.startsWith("- ["));
    assertThat(response.getStatus().getReason()).isEqualTo("Forbidden");
  }

  @Test
  void auditFindingsAreCountedButNotSentBack() throws Exception {
    AdmissionResponse response =
        validate.processReview(decode("statefulset-create.json")).getResponse();

    assertThat(response.getWarnings()).noneMatch(w -> w.contains("termination-grace-period"));
    assertThat(
            registry
                .get("stateguard_admission_findings_total")
                .tags("rule", "termination-grace-period", "mode", "audit", "decision", "allowed")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void breakGlassAllowsAndSaysWhatWasWaived() throws Exception {
    ObjectNode review = ApiServerFixtures.tree("statefulset-create-denied.json");
    ((ObjectNode) review.at("/request/object/metadata/annotations"))
        .put("stateguard.io/break-glass", "restoring from backup, OPS-123");

    AdmissionResponse response =
        validate.processReview(ReviewCodec.decode(ApiServerFixtures.bytes(review))).getResponse();

    assertThat(response.getAllowed()).isTrue();
    assertThat(response.getWarnings().get(0))
        .startsWith("[stateguard] allowed by exemption, 2 enforced findings waived")
        .contains("restoring from backup, OPS-123");
    assertThat(ruleIds(String.join("\n", response.getWarnings())))
        .containsExactlyInAnyOrder(
            "stateguard", "readiness-probe", "termination-grace-period", "headless-service");
    assertThat(
            registry
                .get("stateguard_admission_reviews_total")
                .tags("decision", AdmissionHandler.EXEMPT)
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void mutateAnswersEachFixtureWithThePatchOfTheMutationsTurnedOn(String name) throws Exception {
    ApiServerFixtures.Expected expected = ApiServerFixtures.EXPECTED.get(name);

    AdmissionResponse response = mutate.processReview(decode(name)).getResponse();

    assertThat(response.getUid()).isEqualTo(ApiServerFixtures.uid(name));
    assertThat(response.getAllowed()).as("/mutate leaves denying to /validate").isTrue();
    assertThat(response.getStatus()).isNull();
    assertThat(response.getWarnings()).isNullOrEmpty();
    if (!expected.patched()) {
      assertThat(response.getPatch()).isNull();
      assertThat(response.getPatchType()).isNull();
      return;
    }
    assertThat(response.getPatchType()).isEqualTo("JSONPatch");
    JsonNode patch = JSON.readTree(Base64.getDecoder().decode(response.getPatch()));
    JsonNode object = JSON.valueToTree(decode(name).getRequest().getObject());
    JsonNode patched = JsonPatch.apply(patch, object);
    assertThat(patched.at("/spec/template/spec/affinity/podAntiAffinity"))
        .as("the anti-affinity the patch adds")
        .isNotEmpty();
    assertThat(patched.at("/metadata/annotations").toString()).contains("anti-affinity");
  }

  @Test
  void countsPatchedReviewsAndEachMutation() throws Exception {
    mutate.processReview(decode("statefulset-create.json"));
    mutate.processReview(decode("statefulset-update.json"));

    assertThat(
            registry
                .get("stateguard_admission_reviews_total")
                .tags("endpoint", "mutate", "decision", AdmissionHandler.PATCHED)
                .counter()
                .count())
        .isEqualTo(1.0);
    assertThat(
            registry
                .get("stateguard_admission_reviews_total")
                .tags("endpoint", "mutate", "decision", AdmissionHandler.ALLOWED)
                .counter()
                .count())
        .as("the UPDATE: anti-affinity applies to new sets only")
        .isEqualTo(1.0);
    assertThat(
            registry
                .get("stateguard_admission_mutations_total")
                .tag("mutation", "anti-affinity")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void dryRunIsPassedToTheCore() throws Exception {
    AtomicReference<Boolean> seen = new AtomicReference<>();
    AdmissionHandler handler = handlerWith(new DryRunProbe(seen));
    ObjectNode review = ApiServerFixtures.tree("statefulset-create.json");
    ((ObjectNode) review.get("request")).put("dryRun", true);

    AdmissionResponse response =
        handler.processReview(ReviewCodec.decode(ApiServerFixtures.bytes(review))).getResponse();

    assertThat(seen.get()).as("dryRun as the rule saw it").isTrue();
    assertThat(response.getWarnings()).containsExactly("[dry-run-probe] dry run: true");
  }

  @Test
  void aRequestThatIsNotADryRunReachesTheCoreAsNone() throws Exception {
    AtomicReference<Boolean> seen = new AtomicReference<>();
    AdmissionHandler handler = handlerWith(new DryRunProbe(seen));

    handler.processReview(decode("statefulset-create.json"));

    assertThat(seen.get()).isFalse();
  }

  @Test
  void aFailingRuleIsAnswered500WithTheUidAndCounted() {
    AdmissionHandler handler = handlerWith(new Exploding());

    AdmissionHandler.Answer answer =
        handler.answer(ApiServerFixtures.body("statefulset-create.json"));

    assertThat(answer.status()).isEqualTo(500);
    assertThat(new String(answer.body(), StandardCharsets.UTF_8))
        .contains(ApiServerFixtures.uid("statefulset-create.json"))
        .contains("IllegalStateException");
    assertThat(registry.get("stateguard_admission_errors_total").counter().count()).isEqualTo(1.0);
  }

  @Test
  void answersAReviewWithItsUidAsJson() {
    AdmissionHandler.Answer answer = validate.answer(ApiServerFixtures.body("pdb-create.json"));

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json()).isTrue();
    assertThat(new String(answer.body(), StandardCharsets.UTF_8))
        .contains("\"uid\":\"" + ApiServerFixtures.uid("pdb-create.json") + "\"")
        .contains("\"allowed\":true")
        .doesNotContain("\"request\"");
  }

  @Test
  void rejectsAReviewWithoutUid() {
    ObjectNode review = ApiServerFixtures.tree("statefulset-create.json");
    ((ObjectNode) review.get("request")).remove("uid");

    assertThatThrownBy(() -> validate.processReview(decodeTree(review)))
        .isInstanceOf(ReviewException.class)
        .hasMessageContaining("request.uid is missing")
        .extracting(e -> ((ReviewException) e).status())
        .isEqualTo(400);
  }

  @Test
  void rejectsAnUnknownOperation() {
    ObjectNode review = ApiServerFixtures.tree("statefulset-create.json");
    ((ObjectNode) review.get("request")).put("operation", "PATCH");

    assertThatThrownBy(() -> validate.processReview(decodeTree(review)))
        .isInstanceOf(ReviewException.class)
        .hasMessageContaining("request.operation is \"PATCH\"")
        .hasMessageContaining("allowed: CREATE, UPDATE, DELETE, CONNECT");
  }

  @Test
  void rejectsACreateWithoutObject() {
    ObjectNode review = ApiServerFixtures.tree("statefulset-create.json");
    ((ObjectNode) review.get("request")).putNull("object");

    assertThatThrownBy(() -> validate.processReview(decodeTree(review)))
        .isInstanceOf(ReviewException.class)
        .hasMessageContaining("request.object is missing");
  }

  @Test
  void allowsAConnectAsNotCovered() throws Exception {
    ObjectNode review = ApiServerFixtures.tree("pod-delete.json");
    ObjectNode request = (ObjectNode) review.get("request");
    request.put("operation", "CONNECT");
    request.put("subResource", "exec");
    request.putObject("object").put("kind", "PodExecOptions").put("apiVersion", "v1");

    AdmissionResponse response = validate.processReview(decodeTree(review)).getResponse();

    assertThat(response.getAllowed()).isTrue();
    assertThat(
            registry
                .get("stateguard_admission_reviews_total")
                .tags("operation", "CONNECT", "decision", AdmissionHandler.NOT_COVERED)
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void allowsAKindNoRuleLooksAt() throws Exception {
    ObjectNode review = ApiServerFixtures.tree("statefulset-create.json");
    ObjectNode request = (ObjectNode) review.get("request");
    request.putObject("kind").put("group", "").put("version", "v1").put("kind", "ConfigMap");
    request
        .putObject("object")
        .put("apiVersion", "v1")
        .put("kind", "ConfigMap")
        .putObject("metadata")
        .put("name", "settings")
        .put("namespace", "demo");

    AdmissionResponse response = validate.processReview(decodeTree(review)).getResponse();

    assertThat(response.getAllowed()).isTrue();
    assertThat(response.getWarnings()).isNullOrEmpty();
    assertThat(
            registry
                .get("stateguard_admission_reviews_total")
                .tags("kind", "ConfigMap", "decision", AdmissionHandler.NOT_COVERED)
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  private AdmissionHandler handlerWith(Rule rule) {
    Policy all =
        new Policy(
            "all",
            "test",
            0,
            Policy.Match.ALL,
            List.of(),
            Optional.empty(),
            Map.of(),
            Policy.Exemptions.NONE);
    PolicyEngine engine = new PolicyEngine(new PolicySet(List.of(all)), List.of(rule));
    return new AdmissionHandler(
        Endpoint.VALIDATE,
        LivePolicies.of(engine, "test"),
        ApiServerFixtures.cluster(),
        new WebhookMetrics(registry),
        null);
  }

  /** Reports, as a warning, whether the admission it was given is a dry run. */
  private record DryRunProbe(AtomicReference<Boolean> seen) implements Rule {
    @Override
    public RuleInfo info() {
      return new RuleInfo(
          "dry-run-probe",
          "Reports dryRun",
          "For tests",
          "None",
          Mode.WARN,
          RuleInfo.Target.STATEFULSET,
          List.of());
    }

    @Override
    public void check(RuleContext ctx) {
      seen.set(ctx.admission().dryRun());
      ctx.report("dry run: " + ctx.admission().dryRun(), "");
    }
  }

  /** A defective rule. */
  private record Exploding() implements Rule {
    @Override
    public RuleInfo info() {
      return new RuleInfo(
          "exploding",
          "Throws",
          "For tests",
          "None",
          Mode.ENFORCE,
          RuleInfo.Target.STATEFULSET,
          List.of());
    }

    @Override
    public void check(RuleContext ctx) {
      throw new IllegalStateException("a defect");
    }
  }

  private static AdmissionReview decode(String name) throws ReviewException {
    return ReviewCodec.decode(ApiServerFixtures.body(name));
  }

  private static AdmissionReview decodeTree(ObjectNode tree) throws ReviewException {
    return ReviewCodec.decode(ApiServerFixtures.bytes(tree));
  }

  /** The rule ids in brackets at the start of each line or warning. */
  static Set<String> ruleIds(String text) {
    Set<String> ids = new HashSet<>();
    if (text == null) {
      return ids;
    }
    Matcher m = RULE_ID.matcher(text);
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids;
  }
}
