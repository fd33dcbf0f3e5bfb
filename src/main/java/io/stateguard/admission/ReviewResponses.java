package io.stateguard.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Patch;
import io.stateguard.policy.Verdict;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/**
 * The AdmissionReview responses the webhook sends, built from the core's verdicts.
 *
 * <p>A denial answers {@code allowed: false} with {@code status.code: 403} and a message listing
 * every enforced finding, each with its rule id, which kubectl prints after {@code admission
 * webhook "..." denied the request:}. Warn-mode findings become {@code warnings}, which kubectl
 * prints as {@code Warning: ...} lines. Audit-mode findings are not sent back.
 *
 * <p>Warnings travel as HTTP {@code Warning} headers from the API server to the client. The API
 * server drops a warning it cannot put in a header, and once the warnings of one request exceed
 * 4096 characters it cuts each to 256 and then omits the rest. So each warning is put on one line;
 * when they do not all fit in {@value #MAX_WARNINGS_TOTAL} characters each is cut to {@value
 * #MAX_WARNING} here, and what still does not fit is counted in one last warning rather than lost
 * without a word.
 */
final class ReviewResponses {

  /** The longest warning the API server passes on intact in every case. */
  static final int MAX_WARNING = 256;

  /**
   * The API server's budget for all warnings of a request is 4096 characters; a little is left for
   * its own and other webhooks' warnings.
   */
  static final int MAX_WARNINGS_TOTAL = 3584;

  static final String PATCH_TYPE = "JSONPatch";

  private ReviewResponses() {}

  /** The answer of {@code /validate} to request {@code uid}. */
  static AdmissionReview validation(String uid, Verdict verdict) {
    AdmissionResponse response = new AdmissionResponse();
    response.setUid(uid);
    response.setAllowed(verdict.allowed());
    if (!verdict.allowed()) {
      response.setStatus(forbidden(denialMessage(verdict)));
    }
    List<String> warnings = warnings(verdict);
    if (!warnings.isEmpty()) {
      response.setWarnings(warnings);
    }
    return review(response);
  }

  /**
   * The answer of {@code /mutate} to request {@code uid}: allowed, with {@code patch} (RFC 6902)
   * base64-encoded when it changes anything. Denying is left to {@code /validate}, which the API
   * server calls after every mutation has been applied, so a finding that the patch fixes never
   * denies.
   */
  static AdmissionReview mutation(String uid, Patch patch) {
    AdmissionResponse response = new AdmissionResponse();
    response.setUid(uid);
    response.setAllowed(true);
    if (!patch.isEmpty()) {
      try {
        byte[] json = ReviewCodec.json().writeValueAsBytes(patch.json());
        response.setPatch(Base64.getEncoder().encodeToString(json));
        response.setPatchType(PATCH_TYPE);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot encode a JSON patch", e);
      }
    }
    return review(response);
  }

  /** Allowed with nothing to say: a request no policy rule covers. */
  static AdmissionReview allowed(String uid) {
    AdmissionResponse response = new AdmissionResponse();
    response.setUid(uid);
    response.setAllowed(true);
    return review(response);
  }

  /**
   * The message of a denial: how many findings deny, then one line per enforced finding with its
   * rule id and the policy that enforces it.
   */
  static String denialMessage(Verdict verdict) {
    List<Finding> violations = verdict.violations();
    StringBuilder message = new StringBuilder("stateguard: ");
    message
        .append(violations.size())
        .append(violations.size() == 1 ? " finding denies" : " findings deny")
        .append(" this request:");
    for (Finding f : violations) {
      message.append("\n- [").append(f.rule()).append("] ").append(Texts.oneLine(f.message()));
      if (!f.policy().isEmpty()) {
        message.append(" (enforced by policy ").append(f.policy()).append(')');
      }
    }
    return message.toString();
  }

  /**
   * The warnings of an allowed or denied request: each warn-mode finding, and when an exemption
   * lifted a denial, the exemption and the findings it waived.
   */
  static List<String> warnings(Verdict verdict) {
    List<String> texts = new ArrayList<>();
    if (verdict.allowed() && verdict.exemption().isPresent() && !verdict.violations().isEmpty()) {
      int n = verdict.violations().size();
      texts.add(
          "[stateguard] allowed by exemption, "
              + n
              + (n == 1 ? " enforced finding waived: " : " enforced findings waived: ")
              + verdict.exemption().get());
      for (Finding f : verdict.violations()) {
        texts.add(text(f));
      }
    }
    for (Finding f : verdict.warnings()) {
      texts.add(text(f));
    }
    return bounded(texts);
  }

  private static String text(Finding f) {
    return "[" + f.rule() + "] " + f.message();
  }

  /**
   * The warnings as the API server will pass them on: each on one line; whole when all of them fit
   * the budget; otherwise each cut to {@value #MAX_WARNING} characters (as the API server would),
   * and past the budget one last warning counts the rest.
   */
  static List<String> bounded(List<String> texts) {
    // A loop, not streams: this runs for every answer with warnings.
    List<String> lines = new ArrayList<>(texts.size());
    int total = 0;
    for (String t : texts) {
      String line = Texts.oneLine(t).strip();
      lines.add(line);
      total += length(line);
    }
    if (total <= MAX_WARNINGS_TOTAL) {
      return Collections.unmodifiableList(lines);
    }
    List<String> out = new ArrayList<>();
    int used = 0;
    for (int i = 0; i < lines.size(); i++) {
      String w = Texts.clip(lines.get(i), MAX_WARNING);
      int rest = lines.size() - i;
      // Keep room for the summary unless this is the last one.
      int reserve = rest > 1 ? 150 : 0;
      if (used + length(w) + reserve > MAX_WARNINGS_TOTAL) {
        out.add(
            "[stateguard] "
                + rest
                + " more warning"
                + (rest == 1 ? "" : "s")
                + " not shown (too many for one response): run stateguard report on this object"
                + " to see them all");
        break;
      }
      out.add(w);
      used += length(w);
    }
    return out;
  }

  private static int length(String text) {
    return text.codePointCount(0, text.length());
  }

  private static Status forbidden(String message) {
    return new StatusBuilder()
        .withStatus("Failure")
        .withCode(403)
        .withReason("Forbidden")
        .withMessage(message)
        .build();
  }

  private static AdmissionReview review(AdmissionResponse response) {
    AdmissionReview review = new AdmissionReview();
    review.setApiVersion(ReviewCodec.API_VERSION);
    review.setKind(ReviewCodec.KIND);
    review.setResponse(response);
    return review;
  }
}
