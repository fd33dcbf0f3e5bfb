package io.stateguard.policy;

import java.util.List;
import java.util.Objects;

/** Who asked for the change, as the API server authenticated them. */
public record UserInfo(String username, List<String> groups) {

  /** The user of offline reports: nobody in particular, exempt from nothing. */
  public static final UserInfo NONE = new UserInfo("", List.of());

  public UserInfo {
    Objects.requireNonNull(username, "username");
    groups = List.copyOf(groups);
  }

  /** The service account name when the user is one ({@code system:serviceaccount:NS:NAME}). */
  public boolean isServiceAccount(String namespace, String name) {
    return username.equals("system:serviceaccount:" + namespace + ":" + name);
  }
}
