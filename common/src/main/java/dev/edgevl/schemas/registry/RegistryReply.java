package dev.edgevl.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;

/** A 2xx answer, with readers that turn a missing or mistyped field into a clear error. */
record RegistryReply(String method, URI url, int status, JsonNode body) implements RegistryTransport.Outcome {

    int intField(String name) {
        JsonNode value = body.path(name);
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            throw missing(name, "a whole number");
        }
        return value.intValue();
    }

    boolean booleanField(String name) {
        JsonNode value = body.path(name);
        if (!value.isBoolean()) {
            throw missing(name, "true or false");
        }
        return value.booleanValue();
    }

    /** The first of {@code names} that holds text; registries disagree on some field names. */
    String textField(String... names) {
        for (String name : names) {
            if (body.path(name).isTextual()) {
                return body.path(name).textValue();
            }
        }
        throw missing(String.join(" or ", names), "text");
    }

    SchemaRegistryException missing(String field, String expected) {
        return SchemaRegistryException.unexpected(
                method,
                url,
                status,
                "its body has no field '" + field + "' holding " + expected + ": "
                        + RegistryTransport.abbreviate(body.toString()),
                null);
    }
}
