package dev.edgevl.model.bundle;

import java.net.URI;
import java.util.Objects;

/**
 * How a {@code models} record hands the bundle over: inline in the record, which suits small students and needs no
 * store, or as a URI to fetch, which keeps the compacted topic small when bundles grow past the broker's message size.
 */
public sealed interface BundleDelivery {
    static BundleDelivery inline() {
        return new Inline();
    }

    static BundleDelivery at(URI uri) {
        return new AtUri(uri.toString());
    }

    static BundleDelivery at(String uri) {
        return new AtUri(uri);
    }

    record Inline() implements BundleDelivery {}

    record AtUri(String uri) implements BundleDelivery {
        public AtUri {
            if (Objects.requireNonNull(uri, "uri").isBlank()) {
                throw new IllegalArgumentException("a bundle URI must not be blank");
            }
        }
    }
}
