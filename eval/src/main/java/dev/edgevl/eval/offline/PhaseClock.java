package dev.edgevl.eval.offline;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Wall time per phase, in the order the phases ran. */
final class PhaseClock {
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private final PrintStream progress;

    PhaseClock(PrintStream progress) {
        this.progress = progress;
    }

    <T> T time(String phase, Supplier<T> work) {
        progress.println(phase + "...");
        long start = System.nanoTime();
        T result = work.get();
        double s = (System.nanoTime() - start) / 1e9;
        seconds.merge(phase, s, Double::sum);
        progress.printf("%s: %.1f s%n", phase, s);
        return result;
    }

    Map<String, Double> seconds() {
        double total =
                seconds.values().stream().mapToDouble(Double::doubleValue).sum();
        Map<String, Double> out = new LinkedHashMap<>(seconds);
        out.put("total", total);
        return out;
    }
}
