package dev.edgevl.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** One benchmark's figures: a headline sentence and named numbers, for people and for reports. */
public record BenchResult(String name, String sentence, Map<String, Double> figures) {
    public BenchResult {
        figures = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(figures));
    }
}
