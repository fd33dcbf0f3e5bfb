package io.stateguard.report;

import java.util.List;
import java.util.Map;

/**
 * What loading manifests produced: the objects stateguard evaluates, the problems (each input that
 * could not be read, others still loaded), and how many objects of kinds it does not evaluate were
 * skipped, by kind.
 */
public record Loaded(
    List<Manifest> manifests, List<LoadProblem> problems, Map<String, Integer> skipped) {
  public Loaded {
    manifests = List.copyOf(manifests);
    problems = List.copyOf(problems);
    skipped = Map.copyOf(skipped);
  }
}
