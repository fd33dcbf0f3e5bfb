package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ParamSpec;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code image-tag}: every image, init containers included, names a fixed version: a tag that is
 * not a moving one, or a digest.
 */
final class ImageTagRule implements Rule {

  private static final RuleInfo INFO =
      new RuleInfo(
          "image-tag",
          "Images are pinned to a version tag or a digest, never latest or untagged",
          "An image without a tag means :latest, and a moving tag like latest names whatever was"
              + " pushed last. Members of a StatefulSet are restarted and rescheduled one by one"
              + " over the set's life, so each may pull a different version: the set runs mixed"
              + " versions, and a new major version can rewrite the data files (or refuse to"
              + " start on them) without the upgrade procedure the database needs; rolling back"
              + " is then impossible. An image pinned by digest (@sha256:...) is fixed whatever"
              + " its tag. A registry with a port (registry:5000/db) is not a tag.",
          "Pin each image to a version tag (postgres:16.4) or, better, a digest"
              + " (postgres@sha256:...). Add other moving tags (stable, edge) to forbiddenTags in a"
              + " policy; to accept one set as it is, annotate it stateguard.io/break-glass:"
              + " \"<reason>\".",
          Mode.ENFORCE,
          RuleInfo.Target.STATEFULSET,
          List.of(
              ParamSpec.strings(
                  "forbiddenTags",
                  List.of("latest"),
                  "Tags that move and so do not pin a version (compared exactly, as tags are"
                      + " case-sensitive).")));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public void check(RuleContext ctx) {
    List<String> forbidden = ctx.params().strings("forbiddenTags");
    String subject = ctx.subjectRef().toString();
    Set<String> claims = claimTemplateNames(ctx.statefulSet());
    for (TemplateContainer c : TemplateContainer.all(ctx.statefulSet())) {
      String image = c.container().getImage();
      if (image == null || image.isBlank()) {
        continue; // the API server rejects a container without an image
      }
      ImageRef ref = ImageRef.parse(image.strip());
      if (ref.digest() != null) {
        continue;
      }
      String problem;
      if (ref.tag() == null) {
        problem = " with no tag, which pulls :latest";
      } else if (forbidden.contains(ref.tag())) {
        problem = ", whose tag " + ref.tag() + " moves";
      } else {
        continue;
      }
      ctx.report(
          c.describe()
              + " of "
              + subject
              + " uses image "
              + image.strip()
              + problem
              + ": each restart or reschedule may pull a different version, so "
              + consequence(c, claims)
              + "; pin a version tag ("
              + ref.name()
              + ":<version>) or a digest ("
              + ref.name()
              + "@sha256:...)",
          c.field() + ".image");
    }
  }

  /**
   * What a moving image does to this container. Only a main container that mounts a claim template
   * works on the member's data files, so only there can a new major version rewrite them; an init
   * container or a sidecar (an exporter, a native sidecar) holds no data, and what it risks is a
   * pod nobody can reproduce and a moved tag that breaks the next restart.
   */
  private static String consequence(TemplateContainer c, Set<String> claims) {
    if (!c.init() && mountsAny(c, claims)) {
      return "members run mixed versions and a new major version can rewrite the data files"
          + " without an upgrade plan";
    }
    if (c.longRunning()) {
      return "members run different builds of it, no pod can be reproduced exactly, and a tag moved"
          + " to a broken or removed image breaks a member at its next restart";
    }
    // An init container must succeed before the main containers start.
    return "members start with different builds of it, no pod can be reproduced exactly, and a tag"
        + " moved to a broken or removed image keeps a member from starting at its next restart";
  }

  private static boolean mountsAny(TemplateContainer c, Set<String> claims) {
    List<VolumeMount> mounts = c.container().getVolumeMounts();
    return mounts != null
        && mounts.stream().anyMatch(m -> m != null && claims.contains(m.getName()));
  }

  /** The names of the set's volume claim templates, which its pods mount as volumes. */
  private static Set<String> claimTemplateNames(StatefulSet set) {
    if (set.getSpec() == null || set.getSpec().getVolumeClaimTemplates() == null) {
      return Set.of();
    }
    return set.getSpec().getVolumeClaimTemplates().stream()
        .filter(t -> t != null && t.getMetadata() != null && t.getMetadata().getName() != null)
        .map(t -> t.getMetadata().getName())
        .collect(Collectors.toSet());
  }

  /**
   * An image reference split as the container runtime reads it: {@code name[:tag][@digest]}, where
   * the tag is after the last colon of the last path segment, so {@code host:5000/db} has none.
   *
   * @param name the repository, registry host and port included
   * @param tag the tag, or null
   * @param digest the digest, or null
   */
  record ImageRef(String name, String tag, String digest) {

    static ImageRef parse(String image) {
      String rest = image;
      String digest = null;
      int at = rest.indexOf('@');
      if (at >= 0) {
        String d = rest.substring(at + 1);
        digest = d.isBlank() ? null : d;
        rest = rest.substring(0, at);
      }
      int slash = rest.lastIndexOf('/');
      int colon = rest.lastIndexOf(':');
      if (colon > slash) {
        String tag = rest.substring(colon + 1);
        return new ImageRef(rest.substring(0, colon), tag.isEmpty() ? null : tag, digest);
      }
      return new ImageRef(rest, null, digest);
    }
  }
}
