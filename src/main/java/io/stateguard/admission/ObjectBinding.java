package io.stateguard.admission;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.BeanDeserializer;
import com.fasterxml.jackson.databind.deser.SettableBeanProperty;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.internal.KubernetesDeserializer;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Binds {@code request.object} and {@code request.oldObject} of an AdmissionReview to their model
 * class while reading the body, in one pass.
 *
 * <p>The fabric8 model reads these fields (typed {@code Object}, of any kind) by first reading the
 * whole object into a JSON tree, to find its {@code apiVersion} and {@code kind}, and then binding
 * the tree to the class they name: for a StatefulSet of a few kilobytes that tree is a third of the
 * webhook's work per request. The API server writes {@code kind} and {@code apiVersion} first in
 * every object it sends, so this reads those two fields, asks fabric8's own registry for the class
 * ({@link KubernetesDeserializer#getRegisteredKind}, the lookup its deserializer makes), and binds
 * the rest of the object straight from the parser with that class's bean deserializer.
 *
 * <p>Anything else (the two fields not first, not strings, a kind the registry does not know, a
 * kind that is not a single object with metadata, a second {@code apiVersion} or {@code kind}
 * further on) is refused with {@link NotOneFastPass}, and the caller binds the whole body again
 * with the model's own deserializer: this class only ever produces what that one would.
 * Thread-safe; it keeps only the deserializers it has looked up.
 */
final class ObjectBinding extends JsonDeserializer<Object> {

  /** The model's deserializer for these fields; only its class registry is used. */
  private static final KubernetesDeserializer MODEL = new KubernetesDeserializer();

  private static final String API_VERSION = "apiVersion";
  private static final String KIND = "kind";

  /**
   * The deserializers found so far, by model class: a few entries (the kinds a webhook is sent, at
   * most the model's registry). Jackson makes the instances of this class while building one
   * mapper's deserializer of the request; the configuration is checked all the same, so an entry is
   * only used with the configuration it was found for.
   */
  private final Map<Class<?>, Found> found = new ConcurrentHashMap<>();

  /** Thrown when an object is not in the shape this binding takes; the caller falls back. */
  static final class NotOneFastPass extends IOException {
    private static final long serialVersionUID = 1L;

    NotOneFastPass(String why) {
      super(why, null);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this; // control flow, not an error: no stack trace to fill
    }
  }

  /** Makes {@code mapper} bind the objects of {@link AdmissionRequest} with this class. */
  static ObjectMapper install(ObjectMapper mapper) {
    return mapper.addMixIn(AdmissionRequest.class, RequestMixIn.class);
  }

  /** The two fields of {@link AdmissionRequest} bound here, field and setter alike. */
  @SuppressWarnings("unused") // read by Jackson as a mix-in
  private abstract static class RequestMixIn {
    @JsonProperty("object")
    @JsonDeserialize(using = ObjectBinding.class)
    private Object object;

    @JsonProperty("oldObject")
    @JsonDeserialize(using = ObjectBinding.class)
    private Object oldObject;

    @JsonProperty("object")
    @JsonDeserialize(using = ObjectBinding.class)
    abstract void setObject(Object object);

    @JsonProperty("oldObject")
    @JsonDeserialize(using = ObjectBinding.class)
    abstract void setOldObject(Object oldObject);
  }

  @Override
  public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    if (!p.isExpectedStartObjectToken()) {
      throw new NotOneFastPass("not an object");
    }
    // The first two fields must be apiVersion and kind, in either order, as strings.
    String firstName = p.nextFieldName();
    String first = stringValue(p, firstName);
    String secondName = p.nextFieldName();
    String second = stringValue(p, secondName);
    String apiVersion;
    String kind;
    if (API_VERSION.equals(firstName) && KIND.equals(secondName)) {
      apiVersion = first;
      kind = second;
    } else if (KIND.equals(firstName) && API_VERSION.equals(secondName)) {
      kind = first;
      apiVersion = second;
    } else {
      throw new NotOneFastPass("apiVersion and kind are not the first fields");
    }
    Class<? extends KubernetesResource> type = MODEL.getRegisteredKind(apiVersion, kind);
    if (type == null
        || !HasMetadata.class.isAssignableFrom(type)
        || KubernetesResourceList.class.isAssignableFrom(type)) {
      throw new NotOneFastPass("not a single object with metadata: " + kind);
    }
    // The model class's own bean deserializer, as the model would use it: the bean made as it
    // makes it, the two fields set as it sets them, and the rest of the object read into the
    // same bean (Jackson's "update" binding reads on from the parser's current field).
    BeanDeserializer bean = beanDeserializer(type, ctxt);
    SettableBeanProperty firstProperty = bean.findProperty(firstName);
    SettableBeanProperty secondProperty = bean.findProperty(secondName);
    if (firstProperty == null || secondProperty == null) {
      throw new NotOneFastPass("no apiVersion or kind property: " + type.getName());
    }
    Object object = bean.getValueInstantiator().createUsingDefault(ctxt);
    firstProperty.set(object, first);
    secondProperty.set(object, second);
    p.nextToken(); // the third field's name, or the end of the object
    Object bound = bean.deserialize(p, ctxt, object);
    // A repeated apiVersion or kind further on would have decided the model's choice of class
    // (its tree keeps the last value): the bound object holds the last value too.
    if (!(bound instanceof HasMetadata resource)
        || !apiVersion.equals(resource.getApiVersion())
        || !kind.equals(resource.getKind())) {
      throw new NotOneFastPass("apiVersion or kind given twice");
    }
    return bound;
  }

  /**
   * The bean deserializer the model's class {@code type} is bound with, as {@link
   * DeserializationContext#findRootValueDeserializer} gives it for this mapper's configuration.
   * Looked up once per class and configuration: that lookup introspects the class's annotations
   * (for a type deserializer) on every call, a fifth of the binding's time for a StatefulSet, where
   * the model's own binding ({@code treeToValue}) uses the mapper's cache of root deserializers.
   */
  private BeanDeserializer beanDeserializer(Class<?> type, DeserializationContext ctxt)
      throws IOException {
    DeserializationConfig config = ctxt.getConfig();
    Found cached = found.get(type);
    if (cached != null && cached.config() == config) {
      return cached.bean();
    }
    JsonDeserializer<Object> deserializer =
        ctxt.findRootValueDeserializer(ctxt.constructType(type));
    if (!(deserializer instanceof BeanDeserializer bean)
        || !bean.getValueInstantiator().canCreateUsingDefault()) {
      throw new NotOneFastPass("not a plain bean: " + type.getName());
    }
    found.put(type, new Found(config, bean));
    return bean;
  }

  /** A bean deserializer found for a configuration. */
  private record Found(DeserializationConfig config, BeanDeserializer bean) {}

  /** The string value of field {@code name}, the parser's next token. */
  private static String stringValue(JsonParser p, String name) throws IOException {
    if (name == null || p.nextToken() != JsonToken.VALUE_STRING) {
      throw new NotOneFastPass("apiVersion and kind are not the first fields");
    }
    return p.getText();
  }
}
