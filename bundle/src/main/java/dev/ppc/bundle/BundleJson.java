package dev.ppc.bundle;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;

/**
 * The one JSON configuration of the bundle files: snake_case keys, absent fields omitted, two-space
 * indentation with {@code \n} line ends on every platform and a final newline, so that the same
 * compile writes the same bytes anywhere.
 *
 * <p>Reading is strict ({@link #bind}): a bundle file is data a reader must not guess about, so a
 * duplicate key, an unknown field, a missing or null field, a string where a number belongs or a
 * fraction where an integer belongs is refused with the field's path, never defaulted or coerced.
 * A record component that may be absent says so with {@code @JsonSetter(nulls = Nulls.SET)}.
 */
public final class BundleJson {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    /** The strict reader of bundle JSON; see the class comment. */
    static final ObjectMapper STRICT = strictMapper();

    private static final ObjectWriter PRETTY = MAPPER.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private BundleJson() {}

    public static byte[] pretty(Object value) {
        try {
            return (PRETTY.writeValueAsString(value) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static ObjectMapper strictMapper() {
        JsonMapper m = JsonMapper.builder()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                        DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                // A null, in a field or in a list, is refused; so is an absent field, unless its
                // component is marked optional (an absent value counts as null to Jackson).
                .defaultSetterInfo(JsonSetter.Value.construct(Nulls.FAIL, Nulls.FAIL))
                .build();
        m.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return m;
    }

    /**
     * Parses {@code bytes}, which must be UTF-8 text, strictly (duplicate keys and trailing content
     * refused). The bytes are decoded here rather than by Jackson, whose encoding detection would
     * read other bytes as UTF-16 or UTF-32 and fail on them with an I/O error instead of a parse error.
     */
    static JsonNode parse(byte[] bytes) throws JsonProcessingException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new JsonParseException(null, "the file is not UTF-8 text");
        }
        return STRICT.readTree(text);
    }

    /**
     * Binds {@code tree} to {@code type} strictly. A field that is missing, null, of the wrong kind
     * or unknown throws an {@link IllegalArgumentException} whose message names it by its path
     * ({@code stages[1].core is missing}, {@code stages[0] has an unknown field 'cores'}).
     */
    static <T> T bind(JsonNode tree, Class<T> type) {
        try {
            return STRICT.treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(describe(e, tree), e);
        }
    }

    private static String describe(JsonProcessingException e, JsonNode tree) {
        if (!(e instanceof JsonMappingException m)) return "is not valid (" + oneLine(e.getOriginalMessage()) + ")";
        List<JsonMappingException.Reference> refs = m.getPath();
        if (e instanceof UnrecognizedPropertyException u) {
            String parent = path(refs.subList(0, Math.max(0, refs.size() - 1)));
            return (parent.isEmpty() ? "the top level" : parent) + " has an unknown field '" + u.getPropertyName() + "'"
                    + knownFields(u.getKnownPropertyIds());
        }
        String where = path(refs);
        JsonNode node = tree.at(pointer(refs));
        if (node.isMissingNode()) return where + " is missing";
        String expected = e instanceof MismatchedInputException mi ? kind(mi.getTargetType()) : null;
        if (node.isNull()) return where + " is null" + (expected == null ? "" : "; it must be " + expected);
        if (expected != null && !(node.isIntegralNumber() && expected.equals("an integer"))) return where + " is " + shown(node) + ", not " + expected;
        return where + " is " + shown(node) + ", which is invalid here (" + oneLine(m.getOriginalMessage()) + ")";
    }

    private static String knownFields(Collection<Object> known) {
        if (known == null || known.isEmpty()) return "";
        return " (known: " + String.join(", ", known.stream().map(String::valueOf).sorted().toList()) + ")";
    }

    private static String kind(Class<?> type) {
        if (type == null) return null;
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) return "an integer";
        if (type == String.class) return "a string";
        if (type == boolean.class || type == Boolean.class) return "true or false";
        if (Collection.class.isAssignableFrom(type)) return "an array";
        if (type.isRecord()) return "an object";
        return null;
    }

    /** {@code stages[1].inputs[0].kind}: the path of a field as a reader of the file would write it. */
    static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            else if (r.getIndex() >= 0) sb.append('[').append(r.getIndex()).append(']');
        }
        return sb.toString();
    }

    private static String pointer(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) sb.append('/').append(r.getFieldName().replace("~", "~0").replace("/", "~1"));
            else if (r.getIndex() >= 0) sb.append('/').append(r.getIndex());
        }
        return sb.toString();
    }

    /** A JSON value as a message may quote it: short values whole, long ones cut. */
    static String shown(JsonNode node) {
        String s = node.toString();
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    static String oneLine(String s) { return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim(); }
}
