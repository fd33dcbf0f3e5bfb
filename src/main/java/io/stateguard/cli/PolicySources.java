package io.stateguard.cli;

import io.stateguard.config.LoadedPolicies;
import io.stateguard.config.PolicyException;
import io.stateguard.config.PolicyLoader;
import io.stateguard.policy.Mutation;
import io.stateguard.policy.MutationInfo;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleInfo;
import io.stateguard.policy.mutations.Mutations;
import io.stateguard.policy.rules.Rules;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Where policies come from: a folder the user names, or the ones shipped inside stateguard. */
final class PolicySources {

  /** The classpath folder holding a copy of the repository's {@code policies/}. */
  static final String BUNDLED = "stateguard/policies";

  private PolicySources() {}

  /** The policies in {@code folder}, or the shipped ones when it is null. */
  static LoadedPolicies load(Path folder) throws IOException, PolicyException {
    List<RuleInfo> rules = Rules.all().stream().map(Rule::info).toList();
    List<MutationInfo> mutations = Mutations.all().stream().map(Mutation::info).toList();
    return PolicyLoader.load(folder != null ? folder : bundled(), rules, mutations);
  }

  /** The bundled policies folder, inside the jar or on the class path of a build. */
  static Path bundled() throws IOException {
    URL url = PolicySources.class.getClassLoader().getResource(BUNDLED);
    if (url == null) {
      throw new IOException(
          "the shipped policies are missing from the class path (" + BUNDLED + ")");
    }
    try {
      URI uri = url.toURI();
      if ("jar".equals(uri.getScheme())) {
        FileSystem fs;
        try {
          fs = FileSystems.newFileSystem(uri, Map.of());
        } catch (FileSystemAlreadyExistsException e) {
          fs = FileSystems.getFileSystem(uri);
        }
        return fs.getPath(BUNDLED);
      }
      return Path.of(uri);
    } catch (URISyntaxException e) {
      throw new IOException("cannot read the shipped policies at " + url, e);
    }
  }
}
