package io.stateguard.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

class JunitRendererTest {

  private static String render(Report report) throws IOException {
    StringBuilder out = new StringBuilder();
    new JunitRenderer().render(report, out, true);
    return out.toString();
  }

  /** Parses with the JDK's parser, which rejects anything not well-formed. */
  private static Element parse(String xml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document document = factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    return document.getDocumentElement();
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i) instanceof Element e && e.getTagName().equals(name)) {
        found.add(e);
      }
    }
    return found;
  }

  private static Element only(Element parent, String name) {
    List<Element> found = children(parent, name);
    assertThat(found).as("<%s> in <%s>", name, parent.getTagName()).hasSize(1);
    return found.get(0);
  }

  private static long withChild(List<Element> cases, String name) {
    return cases.stream().filter(c -> !children(c, name).isEmpty()).count();
  }

  private static int count(Element element, String attribute) {
    return Integer.parseInt(element.getAttribute(attribute));
  }

  /** The counts of a suite (or of all suites) agree with the elements it holds. */
  private static void assertCountsAgree(Element element, List<Element> cases) {
    assertThat(count(element, "tests")).as("tests").isEqualTo(cases.size());
    assertThat(count(element, "failures")).as("failures").isEqualTo(withChild(cases, "failure"));
    assertThat(count(element, "errors")).as("errors").isEqualTo(withChild(cases, "error"));
    assertThat(count(element, "skipped")).as("skipped").isEqualTo(withChild(cases, "skipped"));
  }

  @Test
  void holdsOneSuitePerFileAndOneCasePerObjectAndRuleChecked() throws Exception {
    // When
    Element root = parse(render(Reports.sample()));

    // Then
    assertThat(root.getTagName()).isEqualTo("testsuites");
    List<Element> suites = children(root, "testsuite");
    assertThat(suites.stream().map(s -> s.getAttribute("name")))
        .containsExactly("examples/zk.yaml", "examples/pg.yaml", "examples/bad.yaml");
    List<Element> zkCases = children(suites.get(0), "testcase");
    assertThat(
            zkCases.stream().map(c -> c.getAttribute("classname") + " " + c.getAttribute("name")))
        .containsExactly(
            "statefulset data/zk parallel-pod-management",
            "statefulset data/zk readiness-probe",
            "statefulset data/zk image-tag",
            "statefulset data/zk replicas-quorum",
            "pdb data/zk-pdb pdb-quorum",
            "pdb data/zk-pdb pdb-overlap");
    assertThat(children(suites.get(1), "testcase")).hasSize(4);
    assertThat(zkCases).allMatch(c -> c.getAttribute("file").equals("examples/zk.yaml"));

    List<Element> all = new ArrayList<>();
    for (Element suite : suites) {
      List<Element> cases = children(suite, "testcase");
      assertCountsAgree(suite, cases);
      all.addAll(cases);
    }
    assertCountsAgree(root, all);
    assertThat(count(root, "tests")).isEqualTo(11);
    assertThat(count(root, "failures")).isEqualTo(3);
    assertThat(count(root, "errors")).isEqualTo(1);
  }

  @Test
  void failsEnforcedAndWarnedRulesByTypeAndListsAuditedOnes() throws Exception {
    // When
    List<Element> cases =
        children(children(parse(render(Reports.sample())), "testsuite").get(0), "testcase");

    // Then
    Element enforced = only(cases.get(0), "failure");
    assertThat(enforced.getAttribute("type")).isEqualTo("error");
    assertThat(enforced.getAttribute("message")).isEqualTo(Reports.PARALLEL.message());
    assertThat(enforced.getTextContent())
        .isEqualTo(
            "error: "
                + Reports.PARALLEL.message()
                + "\n  at examples/zk.yaml:1\n  field: spec.podManagementPolicy\n  policy: default\n");
    assertThat(only(cases.get(1), "failure").getAttribute("type")).isEqualTo("warning");
    Element audited = cases.get(2);
    assertThat(children(audited, "failure")).isEmpty();
    assertThat(only(audited, "system-out").getTextContent())
        .startsWith("info: " + Reports.TAG.message() + "\n");
    assertThat(cases.get(3).getChildNodes().getLength()).as("a rule that found nothing").isZero();
  }

  @Test
  void reportsUnreadableInputAsAnErroredCase() throws Exception {
    // When
    Element suite = children(parse(render(Reports.sample())), "testsuite").get(2);

    // Then
    Element problem = only(suite, "testcase");
    assertThat(problem.getAttribute("name")).isEqualTo("load examples/bad.yaml:3");
    Element error = only(problem, "error");
    assertThat(error.getAttribute("type")).isEqualTo("input");
    assertThat(error.getAttribute("message")).isEqualTo(Reports.BAD.message());
  }

  @Test
  void skipsRulesAnExemptionOverrodeAndSaysWhy() throws Exception {
    // When
    Element root = parse(render(Reports.exempt("break-glass: INC-42")));

    // Then
    List<Element> cases = children(only(root, "testsuite"), "testcase");
    Element parallel = cases.get(0);
    assertThat(only(parallel, "skipped").getAttribute("message"))
        .isEqualTo("exempt: break-glass: INC-42");
    assertThat(only(parallel, "system-out").getTextContent())
        .startsWith("error: " + Reports.PARALLEL.message());
    assertThat(count(root, "skipped")).isEqualTo(2);
    assertThat(count(root, "failures")).isZero();
  }

  @Test
  void combinesSeveralFindingsOfOneRuleIntoOneCase() throws Exception {
    // Given two containers without a probe
    Finding second =
        new Finding(
            "readiness-probe",
            Mode.WARN,
            "container sidecar of statefulset data/zk has no readiness probe: add one",
            "spec.template.spec.containers[1].readinessProbe",
            Reports.ZK,
            "default");
    Report report =
        new Report(
            List.of(
                new ObjectReport(
                    Reports.ZK,
                    Reports.ZK_FILE,
                    true,
                    List.of(Reports.PROBE, second),
                    List.of("readiness-probe"),
                    Optional.empty())),
            List.of(),
            Map.of(),
            Reports.CATALOGUE,
            "1.2.3");

    // When
    Element testCase = only(only(parse(render(report)), "testsuite"), "testcase");

    // Then
    Element failure = only(testCase, "failure");
    assertThat(failure.getAttribute("message"))
        .isEqualTo(Reports.PROBE.message() + " (and 1 more)");
    assertThat(failure.getTextContent()).contains(Reports.PROBE.message(), second.message());
  }

  @Test
  void writesAnEmptyDocumentForAnEmptyReport() throws Exception {
    // When
    Element root = parse(render(Reports.empty()));

    // Then
    assertThat(root.getTagName()).isEqualTo("testsuites");
    assertThat(count(root, "tests")).isZero();
    assertThat(root.getChildNodes().getLength()).isZero();
  }

  @Test
  void staysWellFormedWhateverTheInputHolds() throws Exception {
    // When the report holds quotes, markup, line breaks, NUL and other controls, bidi, emoji
    String xml = render(Reports.odd());
    Element root = parse(xml);

    // Then it parses, its counts agree, and the text comes back as far as XML can carry it
    List<Element> all = new ArrayList<>();
    for (Element suite : children(root, "testsuite")) {
      List<Element> cases = children(suite, "testcase");
      assertCountsAgree(suite, cases);
      all.addAll(cases);
    }
    assertCountsAgree(root, all);
    assertThat(children(root, "testsuite").get(0).getAttribute("name"))
        .isEqualTo("dir with space/ünï:cødé #1.yaml");
    assertThat(all.get(1).getAttribute("classname"))
        .isEqualTo("statefulset näme space/zk \"1\" <x>");
    String xmlSafe =
        Reports.ODD
            .replace("\u001b", "\\u001b")
            .replace("\u0000", "\\u0000")
            .replace("\u0007", "\\u0007");
    assertThat(only(all.get(1), "skipped").getAttribute("message"))
        .as("attribute keeps line breaks and tabs")
        .isEqualTo("exempt: " + xmlSafe);
    Element stdinFailure = only(all.get(4), "failure");
    assertThat(stdinFailure.getAttribute("message")).isEqualTo(xmlSafe);
    assertThat(stdinFailure.getTextContent()).startsWith("error: " + xmlSafe + "\n");
    assertThat(only(all.get(2), "system-out").getTextContent())
        .startsWith("info: half \uFFFD of a pair");
    Node problem = only(all.get(5), "error");
    assertThat(((Element) problem).getAttribute("message")).isEqualTo(xmlSafe);
  }
}
