package io.stateguard.policy;

import java.util.Objects;

/**
 * How many members of a set must stay up: a majority ({@code floor(n/2)+1}), a fixed number, or a
 * percentage of the replicas (rounded up).
 */
public record QuorumSize(Kind kind, int value) {

  public enum Kind {
    MAJORITY,
    COUNT,
    PERCENT
  }

  public static final QuorumSize MAJORITY = new QuorumSize(Kind.MAJORITY, 0);

  public QuorumSize {
    Objects.requireNonNull(kind, "kind");
    if (kind == Kind.COUNT && value < 1) {
      throw new IllegalArgumentException("a quorum count must be at least 1, was " + value);
    }
    if (kind == Kind.PERCENT && (value < 1 || value > 100)) {
      throw new IllegalArgumentException("a quorum percentage must be 1 to 100, was " + value);
    }
  }

  /**
   * Parses {@code majority}, a whole number ({@code 3}) or a percentage ({@code 60%}).
   *
   * @throws IllegalArgumentException saying what is allowed
   */
  public static QuorumSize parse(String text) {
    String t = text.trim();
    if (t.equals("majority")) {
      return MAJORITY;
    }
    try {
      if (t.endsWith("%")) {
        return new QuorumSize(Kind.PERCENT, Integer.parseInt(t.substring(0, t.length() - 1)));
      }
      return new QuorumSize(Kind.COUNT, Integer.parseInt(t));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "quorum '" + text + "' is not 'majority', a whole number or a percentage like '60%'", e);
    }
  }

  /** The members that must stay up in a set of {@code replicas}; never more than the set. */
  public int of(int replicas) {
    if (replicas <= 0) {
      return 0;
    }
    int needed =
        switch (kind) {
          case MAJORITY -> replicas / 2 + 1;
          case COUNT -> value;
          case PERCENT -> (int) Math.ceil(replicas * value / 100.0);
        };
    return Math.min(needed, replicas);
  }

  /** How many members may be down at once without losing quorum. */
  public int tolerated(int replicas) {
    return Math.max(0, replicas - of(replicas));
  }

  @Override
  public String toString() {
    return switch (kind) {
      case MAJORITY -> "majority";
      case COUNT -> Integer.toString(value);
      case PERCENT -> value + "%";
    };
  }
}
