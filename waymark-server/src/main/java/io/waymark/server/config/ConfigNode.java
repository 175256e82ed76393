package io.waymark.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A YAML/JSON mapping read with its dotted path, so that every refusal names the exact key
 * ({@code targets[2].capacity}), the value found and what was expected. Unknown keys are refused
 * too: a misspelt safety threshold silently ignored is how a safety net goes missing.
 */
final class ConfigNode {
    private final JsonNode node;
    private final String path;
    private final Set<String> read = new HashSet<>();

    ConfigNode(JsonNode node, String path) {
        this.node = node;
        this.path = path;
        if (node != null && !node.isNull() && !node.isObject()) {
            throw new ConfigException(path.isEmpty() ? "(top level)" : path, shown(node), "a mapping of keys to values");
        }
    }

    private String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private JsonNode get(String name) {
        read.add(name);
        if (node == null || node.isNull()) return null;
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? null : v;
    }

    boolean has(String name) {
        return get(name) != null;
    }

    String string(String name, String fallback) {
        JsonNode v = get(name);
        if (v == null) return fallback;
        if (!v.isTextual() && !v.isNumber()) throw new ConfigException(key(name), shown(v), "a string");
        return v.asText();
    }

    String requiredString(String name) {
        String s = string(name, null);
        if (s == null || s.isBlank()) throw new ConfigException(key(name), null, "a non-empty string");
        return s;
    }

    long integer(String name, long fallback, long min, long max) {
        JsonNode v = get(name);
        if (v == null) return fallback;
        if (!v.canConvertToLong() || !v.isIntegralNumber()) throw new ConfigException(key(name), shown(v), "an integer in " + min + ".." + max);
        long x = v.asLong();
        if (x < min || x > max) throw new ConfigException(key(name), shown(v), "an integer in " + min + ".." + max);
        return x;
    }

    double decimal(String name, double fallback, double min, double max) {
        JsonNode v = get(name);
        if (v == null) return fallback;
        if (!v.isNumber()) throw new ConfigException(key(name), shown(v), "a number in " + min + ".." + max);
        double x = v.asDouble();
        if (!(x >= min && x <= max)) throw new ConfigException(key(name), shown(v), "a number in " + min + ".." + max);
        return x;
    }

    boolean bool(String name, boolean fallback) {
        JsonNode v = get(name);
        if (v == null) return fallback;
        if (!v.isBoolean()) throw new ConfigException(key(name), shown(v), "true or false");
        return v.asBoolean();
    }

    ConfigNode child(String name) {
        return new ConfigNode(get(name), key(name));
    }

    <T> List<T> list(String name, int max, Function<ConfigNode, T> each) {
        JsonNode v = get(name);
        List<T> out = new ArrayList<>();
        if (v == null) return out;
        if (!v.isArray()) throw new ConfigException(key(name), shown(v), "a list");
        if (v.size() > max) throw new ConfigException(key(name), v.size() + " entries", "at most " + max + " entries");
        for (int i = 0; i < v.size(); i++) {
            ConfigNode item = new ConfigNode(v.get(i), key(name) + "[" + i + "]");
            out.add(each.apply(item));
            item.refuseUnknownKeys();
        }
        return out;
    }

    List<String> strings(String name, int max) {
        JsonNode v = get(name);
        List<String> out = new ArrayList<>();
        if (v == null) return out;
        if (!v.isArray()) throw new ConfigException(key(name), shown(v), "a list of strings");
        if (v.size() > max) throw new ConfigException(key(name), v.size() + " entries", "at most " + max + " entries");
        for (int i = 0; i < v.size(); i++) {
            JsonNode s = v.get(i);
            if (!s.isTextual() || s.asText().isBlank()) throw new ConfigException(key(name) + "[" + i + "]", shown(s), "a non-empty string");
            out.add(s.asText());
        }
        return out;
    }

    /** Call after reading every key a section knows: anything left is a typo or an unsupported option. */
    void refuseUnknownKeys() {
        if (node == null || node.isNull()) return;
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!read.contains(f)) throw new ConfigException(key(f), shown(node.get(f)), "one of the known keys " + read);
        }
    }

    ConfigException invalid(String name, String value, String expected) {
        return new ConfigException(key(name), value, expected);
    }

    private static String shown(JsonNode v) {
        String s = v.isTextual() ? "'" + v.asText() + "'" : v.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
