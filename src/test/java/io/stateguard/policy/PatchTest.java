package io.stateguard.policy;

import static io.stateguard.policy.MutationTrees.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PatchTest {

  @Test
  void diffOfEqualTreesIsEmpty() {
    assertThat(Patch.diff(json("{\"a\":[1,2]}"), json("{\"a\":[1,2]}"))).isSameAs(Patch.EMPTY);
  }

  @Test
  void diffAddsAndReplacesOnlyWhatChanged() {
    // Given a tree with an unchanged part, a changed value and a new member
    // When they are diffed
    Patch patch =
        Patch.diff(
            json("{\"keep\":{\"x\":1},\"change\":\"a\",\"list\":[1]}"),
            json("{\"keep\":{\"x\":1},\"change\":\"b\",\"list\":[1,2],\"new~/key\":true}"));

    // Then the patch names exactly those, with JSON Pointer escapes, and no move or copy
    assertThat(patch.toString())
        .isEqualTo(
            "[{\"op\":\"replace\",\"path\":\"/change\",\"value\":\"b\"},"
                + "{\"op\":\"add\",\"path\":\"/list/1\",\"value\":2},"
                + "{\"op\":\"add\",\"path\":\"/new~0~1key\",\"value\":true}]");
  }

  @Test
  void applyingTheDiffGivesTheTargetAndLeavesTheSourceAlone() {
    var before = json("{\"a\":{\"b\":[{\"c\":1}]}}");
    var after = json("{\"a\":{\"b\":[{\"c\":1},{\"c\":2}],\"d\":\"e\"}}");

    Patch patch = Patch.diff(before, after);

    assertThat(patch.applyTo(before)).isEqualTo(after);
    assertThat(before).isEqualTo(json("{\"a\":{\"b\":[{\"c\":1}]}}"));
  }

  @Test
  void operationsAreCopiesThatCannotChangeThePatch() {
    Patch patch = Patch.diff(json("{}"), json("{\"a\":1}"));

    ((com.fasterxml.jackson.databind.node.ObjectNode) patch.operations().get(0))
        .put("op", "remove");
    patch.json().removeAll();

    assertThat(patch.toString()).isEqualTo("[{\"op\":\"add\",\"path\":\"/a\",\"value\":1}]");
  }

  @Test
  void ofAcceptsValidOperationsAndRejectsOthers() {
    Patch patch = Patch.of(List.of(json("{\"op\":\"add\",\"path\":\"/a\",\"value\":1}")));
    assertThat(patch).isEqualTo(Patch.diff(json("{}"), json("{\"a\":1}")));
    assertThat(Patch.of(List.of())).isSameAs(Patch.EMPTY);
    assertThatThrownBy(() -> Patch.of(List.of(json("{\"op\":\"frobnicate\",\"path\":\"/a\"}"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not an RFC 6902 patch");
  }

  @Test
  void applyingToADocumentWithoutThePathFails() {
    Patch patch = Patch.diff(json("{\"a\":{\"b\":1}}"), json("{\"a\":{\"b\":2}}"));

    assertThatThrownBy(() -> patch.applyTo(json("{}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the patch does not apply");
  }

  @Test
  void verdictCarriesAPatchWithoutChangingItsDecision() {
    Patch patch = Patch.diff(json("{}"), json("{\"a\":1}"));
    Verdict verdict = Verdict.allow().withPatch(patch);

    assertThat(verdict.allowed()).isTrue();
    assertThat(verdict.patch()).isEqualTo(patch);
    assertThat(Verdict.allow().patch().isEmpty()).isTrue();
    assertThat(Verdict.allow().withPatch(patch.operations()).patch()).isEqualTo(patch);
  }
}
