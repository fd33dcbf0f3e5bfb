package io.stateguard.certs;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The names a serving certificate must be valid for: DNS names and IP addresses, in the order they
 * go into the subjectAltName extension. Values are validated on construction; IP addresses are
 * literals only (nothing here ever resolves a name).
 */
public record SubjectNames(List<String> dnsNames, List<InetAddress> ipAddresses) {

  /** The cluster's DNS domain; the API server dials the {@code .svc} name, people the others. */
  static final String CLUSTER_DOMAIN = "cluster.local";

  /** RFC 1035 label, as Kubernetes requires of Service names. */
  private static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");

  /** RFC 1123 label, as Kubernetes requires of namespace names. */
  private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

  private static final int MAX_LABEL = 63;
  private static final int MAX_NAME = 253;

  public SubjectNames {
    Objects.requireNonNull(dnsNames, "dnsNames");
    Objects.requireNonNull(ipAddresses, "ipAddresses");
    Set<String> dns = new LinkedHashSet<>();
    for (String name : dnsNames) {
      dns.add(checkDnsName(name));
    }
    dnsNames = List.copyOf(dns);
    ipAddresses = List.copyOf(new LinkedHashSet<>(ipAddresses));
    if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
      throw new IllegalArgumentException("a serving certificate needs at least one name or IP");
    }
  }

  /**
   * The names of an in-cluster Service: {@code NAME}, {@code NAME.NS}, {@code NAME.NS.svc}, {@code
   * NAME.NS.svc.cluster.local}, then {@code localhost} and the given IP addresses (for port
   * forwarding and local tests).
   *
   * @param ips IP address literals, IPv4 or IPv6
   * @throws IllegalArgumentException naming the bad value and what is allowed
   */
  public static SubjectNames forService(String service, String namespace, Collection<String> ips) {
    checkLabel("service name", service, DNS_1035_LABEL, "starting with a letter");
    checkLabel("namespace", namespace, DNS_1123_LABEL, "starting with a letter or digit");
    List<String> dns =
        List.of(
            service,
            service + "." + namespace,
            service + "." + namespace + ".svc",
            service + "." + namespace + ".svc." + CLUSTER_DOMAIN,
            "localhost");
    return new SubjectNames(dns, ips.stream().map(SubjectNames::parseIp).toList());
  }

  /** {@code localhost}, {@code 127.0.0.1} and {@code ::1}: what a development server needs. */
  public static SubjectNames localhost() {
    return new SubjectNames(List.of("localhost"), List.of(parseIp("127.0.0.1"), parseIp("::1")));
  }

  /**
   * Parses an IPv4 (dotted quad) or IPv6 literal without any name lookup.
   *
   * @throws IllegalArgumentException when {@code text} is not an IP address literal
   */
  public static InetAddress parseIp(String text) {
    Objects.requireNonNull(text, "ip");
    String t = text.strip();
    boolean v6 = t.contains(":") && IPV6_CHARS.matcher(t).matches();
    if (!IPV4.matcher(t).matches() && !v6) {
      throw badIp(text, null);
    }
    try {
      // A literal (checked above) is parsed, never looked up.
      return InetAddress.getByName(t);
    } catch (UnknownHostException e) {
      throw badIp(text, e);
    }
  }

  /** The most specific name, used as the certificate's common name. */
  String commonName() {
    for (String name : dnsNames) {
      if (name.endsWith(".svc")) {
        return name;
      }
    }
    return dnsNames.isEmpty() ? literal(ipAddresses.get(0)) : dnsNames.get(0);
  }

  /** Every name as text, DNS names first, IPv6 addresses in their short form ({@code ::1}). */
  public List<String> all() {
    List<String> all = new ArrayList<>(dnsNames);
    ipAddresses.forEach(ip -> all.add(literal(ip)));
    return all;
  }

  /**
   * An IP address as people write it: IPv6 with the longest run of zero groups shortened to {@code
   * ::} (RFC 5952), where {@link InetAddress#getHostAddress()} writes every group.
   */
  static String literal(InetAddress ip) {
    if (!(ip instanceof Inet6Address)) {
      return ip.getHostAddress();
    }
    byte[] bytes = ip.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }

  /**
   * The names (DNS and IP) that {@code certificate}'s subjectAltName extension does not cover,
   * empty when it covers all of them. A wildcard SAN ({@code *.ns.svc}) covers exactly one label.
   */
  public List<String> missingFrom(X509Certificate certificate) {
    Set<String> certDns = new LinkedHashSet<>();
    Set<InetAddress> certIps = new LinkedHashSet<>();
    try {
      Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          Object value = san.get(1);
          if (type == 2 && value instanceof String s) {
            certDns.add(s.toLowerCase(Locale.ROOT));
          } else if (type == 7 && value instanceof String s) {
            certIps.add(parseIp(s));
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw new IllegalArgumentException("unreadable subjectAltName extension", e);
    }
    List<String> missing = new ArrayList<>();
    for (String name : dnsNames) {
      if (!coversDns(certDns, name)) {
        missing.add(name);
      }
    }
    for (InetAddress ip : ipAddresses) {
      if (!certIps.contains(ip)) {
        missing.add(literal(ip));
      }
    }
    return missing;
  }

  private static boolean coversDns(Set<String> certDns, String name) {
    if (certDns.contains(name)) {
      return true;
    }
    int dot = name.indexOf('.');
    return dot > 0 && certDns.contains("*" + name.substring(dot));
  }

  private static String checkDnsName(String name) {
    Objects.requireNonNull(name, "dns name");
    String n = name.toLowerCase(Locale.ROOT);
    if (n.isEmpty() || n.length() > MAX_NAME) {
      throw new IllegalArgumentException(
          "DNS name '" + name + "' must be 1 to " + MAX_NAME + " characters long");
    }
    // A wildcard is allowed as the whole first label only (*.ns.svc), as RFC 6125 allows.
    String[] labels = n.split("\\.", -1);
    for (int i = 0; i < labels.length; i++) {
      String label = labels[i];
      if (i == 0 && label.equals("*") && labels.length > 2) {
        continue;
      }
      if (label.length() > MAX_LABEL || !DNS_1123_LABEL.matcher(label).matches()) {
        throw new IllegalArgumentException(
            "DNS name '"
                + name
                + "' is not valid: each dot-separated label needs 1 to 63 lowercase letters,"
                + " digits or '-', starting and ending with a letter or digit (the first may be"
                + " a wildcard '*')");
      }
    }
    return n;
  }

  private static void checkLabel(String what, String value, Pattern pattern, String start) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(what + " is empty: it must be a DNS label");
    }
    if (value.length() > MAX_LABEL || !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(
          what
              + " '"
              + value
              + "' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', "
              + start
              + " and ending with a letter or digit");
    }
  }

  private static IllegalArgumentException badIp(String text, Exception cause) {
    return new IllegalArgumentException(
        "'" + text + "' is not an IP address: use an IPv4 (10.0.0.1) or IPv6 (fd00::1) literal",
        cause);
  }
}
