package io.stateguard.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.stateguard.policy.rules.Rules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RuleCatalogueTest {

  private static final Path CHECKED_IN = Path.of("docs/rules.md");

  @Test
  void checkedInCatalogueIsGeneratedFromTheRules() throws IOException {
    String generated = RuleCatalogue.markdown(Rules.all());
    if (Boolean.getBoolean("stateguard.regenerate")) {
      Files.writeString(CHECKED_IN, generated, StandardCharsets.UTF_8);
    }

    String checkedIn = Files.readString(CHECKED_IN, StandardCharsets.UTF_8);

    assertThat(checkedIn)
        .as(
            "docs/rules.md is out of date with the rules' metadata; regenerate it with"
                + " mvn -B -ntp test -Dtest=RuleCatalogueTest -Dstateguard.regenerate=true")
        .isEqualTo(generated);
  }

  @Test
  void catalogueDescribesEveryRuleWithItsParameters() {
    String markdown = RuleCatalogue.markdown(Rules.all());

    for (Rule rule : Rules.all()) {
      assertThat(markdown).as("section of %s", rule.id()).contains("\n## " + rule.id() + "\n");
      for (ParamSpec p : rule.info().params()) {
        assertThat(markdown)
            .as("parameter %s of %s", p.name(), rule.id())
            .contains("`" + p.name() + "`");
      }
    }
  }
}
