package io.stateguard.config;

import io.stateguard.policy.MutationInfo;
import io.stateguard.policy.ParamSpec;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The mutations a policy may configure, by id. Rejects a list a policy could not address: two
 * mutations with one id, or a parameter named {@value RuleCatalog#MODE} (that key holds whether the
 * mutation is on).
 */
final class MutationCatalog {

  /** The modes of a mutation. */
  static final String ON = "on";

  static final String OFF = "off";

  private final Map<String, MutationInfo> mutations;

  private MutationCatalog(Map<String, MutationInfo> mutations) {
    this.mutations = mutations;
  }

  static MutationCatalog of(List<MutationInfo> mutations) {
    Map<String, MutationInfo> byId = new LinkedHashMap<>();
    for (MutationInfo mutation : mutations) {
      if (byId.putIfAbsent(mutation.id(), mutation) != null) {
        throw new IllegalArgumentException("two mutations have the id " + mutation.id());
      }
      for (ParamSpec p : mutation.params()) {
        if (p.name().equals(RuleCatalog.MODE)) {
          throw new IllegalArgumentException(
              "mutation "
                  + mutation.id()
                  + " has a parameter named mode, which policies use to turn it on or off");
        }
      }
      if (mutation.params().stream().map(ParamSpec::name).distinct().count()
          != mutation.params().size()) {
        throw new IllegalArgumentException(
            "mutation " + mutation.id() + " declares a parameter twice");
      }
    }
    return new MutationCatalog(byId);
  }

  Optional<MutationInfo> mutation(String id) {
    return Optional.ofNullable(mutations.get(id));
  }

  Collection<MutationInfo> mutations() {
    return mutations.values();
  }

  /** The mutation ids, sorted, for messages and the schema. */
  List<String> ids() {
    return mutations.keySet().stream().sorted().toList();
  }
}
