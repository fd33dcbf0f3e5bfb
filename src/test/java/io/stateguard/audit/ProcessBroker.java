package io.stateguard.audit;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft broker in its own process ({@code kafka.Kafka} from the test class path), so
 * a test can kill it for real and start it again on the same port and log folder, and a benchmark
 * sees its CPU apart from the load generator's.
 */
public final class ProcessBroker implements AutoCloseable {

  private final Path dir;
  private final int port;
  private final Path config;
  private Process process;
  private int starts;

  public ProcessBroker(Path dir) throws IOException, InterruptedException {
    this.dir = dir;
    this.port = freePort();
    int controllerPort = freePort();
    this.config = dir.resolve("server.properties");
    Files.createDirectories(dir.resolve("logs"));
    Files.writeString(
        config,
        String.join(
            "\n",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
            "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
            "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs=" + dir.resolve("logs"),
            "num.partitions=3",
            "offsets.topic.replication.factor=1",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            ""));
    Process format =
        java(
                "kafka.tools.StorageTool",
                "format",
                "-t",
                Uuid.randomUuid().toString(),
                "-c",
                config.toString())
            .redirectOutput(dir.resolve("format.log").toFile())
            .redirectErrorStream(true)
            .start();
    if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
      format.destroyForcibly();
      throw new IOException(
          "formatting the broker's log folder failed; see " + dir.resolve("format.log"));
    }
  }

  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  /** Starts the broker and waits until it answers. */
  public void start() throws Exception {
    starts++;
    process =
        java("kafka.Kafka", config.toString())
            .redirectOutput(dir.resolve("broker-" + starts + ".log").toFile())
            .redirectErrorStream(true)
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000))) {
      while (true) {
        if (!process.isAlive()) {
          throw new IOException(
              "the broker exited with "
                  + process.exitValue()
                  + "; see "
                  + dir.resolve("broker-" + starts + ".log"));
        }
        try {
          admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
          return;
        } catch (Exception e) {
          if (System.nanoTime() - deadline > 0) {
            throw new IOException("the broker did not answer within 90 s", e);
          }
        }
      }
    }
  }

  /** Kills the broker's process at once (SIGKILL), as a crash would. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** The broker's process id, for its CPU time in {@code /proc}. */
  public long pid() {
    return process.pid();
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      kill();
    }
  }

  private ProcessBuilder java(String mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-Djava.io.tmpdir=" + dir);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(List.of(args));
    return new ProcessBuilder(command).directory(dir.toFile());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
