package io.stateguard.admission;

import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.stateguard.policy.Admission;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Verdict;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides one built-in review before the server listens, so that the first request from the API
 * server does not pay for loading the model, rule and codec classes (a few hundred milliseconds,
 * against the API server's timeout of a few seconds). Nothing is logged or counted for it.
 */
final class Warmup {

  private static final Logger LOGGER = LoggerFactory.getLogger(Warmup.class);
  static final String RESOURCE = "warmup-review.json";

  private Warmup() {}

  static void run(LivePolicies policies, ClusterView view) {
    try (InputStream in = Warmup.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        LOGGER.atWarn().log("no warm-up review on the class path; the first request loads classes");
        return;
      }
      AdmissionReview review = ReviewCodec.decode(in.readAllBytes());
      ReviewCodec.Request request = ReviewCodec.request(review);
      Admission admission = request.admission().orElseThrow();
      Verdict verdict = policies.engine().evaluate(admission, view);
      ReviewCodec.encode(ReviewResponses.validation(request.uid(), verdict));
      ReviewCodec.encode(
          ReviewResponses.mutation(
              request.uid(), policies.engine().mutate(admission, view).patch()));
    } catch (IOException | ReviewException | RuntimeException e) {
      // Only a lost head start: the server works without it.
      LOGGER.atWarn().log("warm-up failed: {}", e.toString());
    }
  }
}
